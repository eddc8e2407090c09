package cli

import (
	"fmt"
	"os"
	"os/exec"
	"testing"
)

func TestStaleHolder(t *testing.T) {
	t.Parallel()
	host, _ := os.Hostname()
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Skip("cannot start a process:", err)
	}
	for _, tc := range []struct {
		holder string
		want   bool
	}{
		{fmt.Sprintf("d2sync %s pid %d", host, dead.Process.Pid), true},
		{fmt.Sprintf("d2sync %s pid %d", host, os.Getpid()), false},
		{fmt.Sprintf("d2sync %s pid %d", host, os.Getppid()), false},
		{fmt.Sprintf("d2sync other-%s pid %d", host, dead.Process.Pid), false},
		{"worker-7", false},
	} {
		if got := staleHolder(tc.holder); got != tc.want {
			t.Errorf("staleHolder(%q) = %t, want %t", tc.holder, got, tc.want)
		}
	}
}
