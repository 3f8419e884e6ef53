package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/trailwatch/trailwatch/internal/golden"
)

// The command line's behaviour (usage, errors and exit codes, collect's
// flags, diff, the policy subcommands) is tested with script tests:
// testdata/script/*.txtar, each a sequence of trailwatch runs with the
// output and exit code they must give, as the Go team tests the go
// command. testscript (github.com/rogpeppe/go-internal) runs them; this
// test binary is also the trailwatch they run.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){"trailwatch": main})
}

func TestScripts(t *testing.T) {
	repo, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Dir: filepath.Join("testdata", "script"),
		Setup: func(env *testscript.Env) error {
			env.Setenv("SNAPSHOTS", filepath.Join(repo, "snapshots"))
			env.Setenv("POLICIES", filepath.Join(repo, "policies"))
			// No AWS setup of the developer's reaches a script.
			for _, k := range []string{"AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"} {
				env.Setenv(k, "/dev/null")
			}
			env.Setenv("AWS_EC2_METADATA_DISABLED", "true")
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			// replace FILE OLD NEW edits a file as an auditor would: OLD
			// must be there, once.
			"replace": func(ts *testscript.TestScript, neg bool, args []string) {
				if neg || len(args) != 3 {
					ts.Fatalf("usage: replace FILE OLD NEW")
				}
				path := ts.MkAbs(args[0])
				data, err := os.ReadFile(path)
				ts.Check(err)
				if n := strings.Count(string(data), args[1]); n != 1 {
					ts.Fatalf("replace: %q is in %s %d times, want once", args[1], args[0], n)
				}
				ts.Check(os.WriteFile(path, []byte(strings.Replace(string(data), args[1], args[2], 1)), 0o644))
			},
			// tw CODE ARGS... runs trailwatch and checks its exit code.
			"tw": func(ts *testscript.TestScript, neg bool, args []string) {
				if neg || len(args) < 1 {
					ts.Fatalf("usage: tw CODE ARGS...")
				}
				want, err := strconv.Atoi(args[0])
				if err != nil {
					ts.Fatalf("tw: exit code %q is not a number", args[0])
				}
				err = ts.Exec("trailwatch", args[1:]...)
				code := 0
				var ee *exec.ExitError
				switch {
				case errors.As(err, &ee):
					code = ee.ExitCode()
				case err != nil:
					ts.Fatalf("tw: %v", err)
				}
				if code != want {
					ts.Fatalf("trailwatch exited %d, want %d", code, want)
				}
			},
		},
		// -update rewrites the files a script compares output with (cmp).
		UpdateScripts: *golden.Update,
	})
}
