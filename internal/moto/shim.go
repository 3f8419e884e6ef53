package moto

import (
	"context"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// Shim serves the aws commands of programs that run the awsshim command
// as aws (a script of aws calls, say) through a CLI's warm driver: the
// aws CLI's own code, with the CLI's credentials and moto's endpoint.
type Shim struct {
	cli  *CLI
	ln   net.Listener
	dir  string
	wg   sync.WaitGroup
	path string
}

// Shim starts serving c's commands. binDir holds the awsshim program,
// named aws.
func (c *CLI) Shim(binDir string) (*Shim, error) {
	dir, err := os.MkdirTemp("", "aws-shim-")
	if err != nil {
		return nil, err
	}
	sock := filepath.Join(dir, "s")
	ln, err := net.Listen("unix", sock)
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	s := &Shim{cli: c, ln: ln, dir: dir, path: binDir}
	s.wg.Add(1)
	go s.serve()
	return s, nil
}

func (s *Shim) serve() {
	defer s.wg.Done()
	for {
		conn, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			defer conn.Close()
			var args []string
			if err := json.NewDecoder(conn).Decode(&args); err != nil {
				return
			}
			out, errText, code := s.cli.RunRaw(context.Background(), args...)
			json.NewEncoder(conn).Encode(struct {
				Out, Err string
				Code     int
			}{out, errText, code})
		}()
	}
}

// Env is the environment of a program whose aws calls the shim serves:
// the CLI's credentials, and the shim first on PATH.
func (s *Shim) Env() []string {
	var env []string
	for _, kv := range s.cli.Env() {
		if p, ok := strings.CutPrefix(kv, "PATH="); ok {
			kv = "PATH=" + s.path + string(os.PathListSeparator) + p
		}
		env = append(env, kv)
	}
	return append(env, "TRAILWATCH_AWS_SHIM="+filepath.Join(s.dir, "s"))
}

// Close stops serving.
func (s *Shim) Close() {
	s.ln.Close()
	s.wg.Wait()
	os.RemoveAll(s.dir)
}
