package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// TestEveryCommandHelp checks that d2sync --help lists every command and
// that each command's --help explains its flags, its environment variables
// (or says it reads none) and gives examples.
func TestEveryCommandHelp(t *testing.T) {
	t.Parallel()
	var global bytes.Buffer
	if code := Main(context.Background(), []string{"d2sync", "--help"}, func(string) string { return "" }, strings.NewReader(""), &global, &global); code != ExitOK {
		t.Fatalf("d2sync --help: exit %d", code)
	}
	for _, c := range commands() {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			if !strings.Contains(global.String(), "  "+c.name+" ") {
				t.Errorf("d2sync --help does not list %s", c.name)
			}
			var out, errOut bytes.Buffer
			code := Main(context.Background(), []string{"d2sync", c.name, "--help"}, func(string) string { return "" }, strings.NewReader(""), &out, &errOut)
			help := out.String()
			if code != ExitOK || errOut.Len() != 0 {
				t.Fatalf("exit %d, stderr %q", code, errOut.String())
			}
			for _, want := range []string{"Usage:", "d2sync " + c.name, "Example"} {
				if !strings.Contains(help, want) {
					t.Errorf("help lacks %q:\n%s", want, help)
				}
			}
			if !strings.Contains(help, "Environment") && !strings.Contains(help, "environment variable") {
				t.Errorf("help says nothing about environment variables:\n%s", help)
			}
			if strings.Contains(help, "\n  -") && !strings.Contains(help, "Flags:") {
				t.Errorf("flags without a Flags section:\n%s", help)
			}
		})
	}
}
