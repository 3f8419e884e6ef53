// Package moto runs the AWS emulator moto (moto_server) and the aws CLI
// against it, for trailwatch's end-to-end tests and demo: a real AWS API on
// loopback, seeded with the very commands a user runs.
package moto

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"
)

// Server is a running moto_server.
type Server struct {
	URL  string
	cmd  *exec.Cmd
	done chan error
}

// Start runs moto_server on a free loopback port and waits until it
// answers. Its output goes to logPath. Stop it with Stop, always.
func Start(ctx context.Context, logPath string) (*Server, error) {
	if _, err := exec.LookPath("moto_server"); err != nil {
		return nil, fmt.Errorf("moto_server is not installed (it comes with every machine of this project; pip package moto[server]): %w", err)
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command("moto_server", "-H", "127.0.0.1", "-p", fmt.Sprint(port))
	cmd.Stdout, cmd.Stderr = logFile, logFile
	// Its own process group: Stop ends the server and anything it started.
	// Pdeathsig: should this process die without calling Stop, the kernel
	// ends the server too.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return nil, fmt.Errorf("start moto_server: %w", err)
	}
	s := &Server{URL: fmt.Sprintf("http://127.0.0.1:%d", port), cmd: cmd, done: make(chan error, 1)}
	go func() { s.done <- cmd.Wait(); logFile.Close() }()
	deadline := time.Now().Add(30 * time.Second)
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.URL+"/moto-api/", nil)
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s, nil
			}
		}
		select {
		case err := <-s.done:
			log, _ := os.ReadFile(logPath)
			return nil, fmt.Errorf("moto_server exited before answering (%v):\n%s", err, log)
		case <-ctx.Done():
			s.Stop()
			return nil, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			s.Stop()
			return nil, fmt.Errorf("moto_server did not answer on %s within 30s", s.URL)
		}
	}
}

// Stop ends the server: SIGTERM to its process group, SIGKILL if it lingers.
func (s *Server) Stop() {
	if s == nil || s.cmd.Process == nil {
		return
	}
	pgid := -s.cmd.Process.Pid
	syscall.Kill(pgid, syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(5 * time.Second):
		syscall.Kill(pgid, syscall.SIGKILL)
		<-s.done
	}
}

// EnforceIAM turns IAM checks on for every later request (off with false).
// Create users, policies and keys first.
func (s *Server) EnforceIAM(on bool) error {
	body := "inf"
	if on {
		body = "0"
	}
	return s.post("/moto-api/reset-auth", body)
}

func (s *Server) post(path, body string) error {
	resp, err := http.Post(s.URL+path, "text/plain", strings.NewReader(body))
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("POST %s: %s", path, resp.Status)
	}
	return nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// CLI runs the aws CLI against an endpoint with one set of credentials.
type CLI struct {
	Endpoint string
	Region   string
	KeyID    string
	Secret   string
	Token    string
	Account  string // the account these credentials act in, when known
	Verbose  func(cmd string)
}

// NewCLI is the aws CLI with moto's default test credentials (account
// 123456789012).
func NewCLI(endpoint, region string) *CLI {
	return &CLI{Endpoint: endpoint, Region: region, KeyID: "test", Secret: "test", Account: "123456789012"}
}

// Env is the environment for aws and trailwatch with these credentials:
// nothing from the caller's own AWS configuration leaks in.
func (c *CLI) Env() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_") {
			env = append(env, kv)
		}
	}
	env = append(env,
		"AWS_ACCESS_KEY_ID="+c.KeyID,
		"AWS_SECRET_ACCESS_KEY="+c.Secret,
		"AWS_DEFAULT_REGION="+c.Region,
		"AWS_REGION="+c.Region,
		"AWS_CONFIG_FILE=/dev/null",
		"AWS_SHARED_CREDENTIALS_FILE=/dev/null",
		"AWS_EC2_METADATA_DISABLED=true",
		"AWS_PAGER=",
	)
	if c.Token != "" {
		env = append(env, "AWS_SESSION_TOKEN="+c.Token)
	}
	return env
}

// Run runs one aws command and returns its standard output.
func (c *CLI) Run(ctx context.Context, args ...string) (string, error) {
	full := append([]string{"--endpoint-url", c.Endpoint, "--output", "json"}, args...)
	if c.Verbose != nil {
		c.Verbose("aws " + strings.Join(args, " "))
	}
	cmd := exec.CommandContext(ctx, "aws", full...)
	cmd.Env = c.Env()
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return out.String(), fmt.Errorf("aws %s: exit %d: %s", strings.Join(args, " "), ee.ExitCode(), strings.TrimSpace(errb.String()))
		}
		return "", fmt.Errorf("aws %s: %w", strings.Join(args, " "), err)
	}
	return out.String(), nil
}
