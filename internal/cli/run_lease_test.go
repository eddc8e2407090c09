package cli

import (
	"os"
	"os/exec"
	"runtime"
	"testing"
)

func TestDeadLocalHolder(t *testing.T) {
	t.Parallel()
	if runtime.GOOS == "windows" {
		t.Skip("process probing is unix-only")
	}
	host, _ := os.Hostname()
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Skipf("cannot run a child process: %v", err)
	}
	gone := cmd.Process.Pid // exited and reaped: no such process any more
	tests := []struct {
		name   string
		holder string
		want   bool
	}{
		{"process gone on this host", leaseHolder(host, gone), true},
		{"live process on this host", leaseHolder(host, os.Getppid()), false},
		{"this very process", leaseHolder(host, os.Getpid()), false},
		{"other host", leaseHolder("other-"+host, gone), false},
		{"unparsable holder", "someone else", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := deadLocalHolder(tt.holder, host); got != tt.want {
				t.Fatalf("deadLocalHolder(%q) = %v, want %v", tt.holder, got, tt.want)
			}
		})
	}
}
