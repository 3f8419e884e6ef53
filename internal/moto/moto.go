// Package moto runs the AWS emulator moto (moto_server) and the aws CLI
// against it, for trailwatch's end-to-end tests and demo: a real AWS API on
// loopback, seeded with the very commands a user runs.
package moto

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
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
//
// Starting the aws CLI costs most of a second, and setting an account up
// with the whole CIS monitoring section takes some forty commands. So the
// commands of one CLI go, one after the other, to one Python process that
// runs the aws CLI's own command driver (awscli.clidriver, what the aws
// command itself runs) for each command line: the same command lines, the
// same parsing, the same API calls, without starting Python each time.
// Where that module cannot be imported, each command runs the aws program.
// Close ends the process.
type CLI struct {
	Endpoint string
	Region   string
	KeyID    string
	Secret   string
	Token    string
	Account  string // the account these credentials act in, when known
	Verbose  func(cmd string)

	mu     sync.Mutex
	driver *driver
}

// NewCLI is the aws CLI with moto's default test credentials (account
// 123456789012).
func NewCLI(endpoint, region string) *CLI {
	return &CLI{Endpoint: endpoint, Region: region, KeyID: "test", Secret: "test", Account: "123456789012"}
}

// With returns a CLI acting with other credentials (or in another region),
// with a command driver of its own.
func (c *CLI) With(region, keyID, secret, token, account string) *CLI {
	return &CLI{Endpoint: c.Endpoint, Region: region, KeyID: keyID, Secret: secret, Token: token, Account: account, Verbose: c.Verbose}
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
	out, errText, code, err := c.run(ctx, full)
	if err != nil {
		return "", fmt.Errorf("aws %s: %w", strings.Join(args, " "), err)
	}
	if code != 0 {
		return out, fmt.Errorf("aws %s: exit %d: %s", strings.Join(args, " "), code, strings.TrimSpace(errText))
	}
	return out, nil
}

// run hands one command line to the aws CLI's driver, started at the
// first call and kept warm; one command at a time.
func (c *CLI) run(ctx context.Context, args []string) (stdout, stderr string, code int, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.driver == nil {
		c.driver = startDriver(c.Env())
	}
	return c.driver.run(ctx, args)
}

// RunRaw runs one aws command as a program would: its standard output,
// standard error and exit code (255 when it could not run at all).
func (c *CLI) RunRaw(ctx context.Context, args ...string) (stdout, stderr string, code int) {
	full := append([]string{"--endpoint-url", c.Endpoint}, args...)
	out, errText, code, err := c.run(ctx, full)
	if err != nil {
		return "", err.Error() + "\n", 255
	}
	return out, errText, code
}

// Close ends the CLI's command driver, if one was started.
func (c *CLI) Close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.driver.close()
	c.driver = nil
}

// driverScript reads one JSON array of arguments per line and runs each
// through the aws CLI's driver, answering one JSON object per line.
const driverScript = `
import contextlib, io, json, sys
from awscli.clidriver import create_clidriver
driver = create_clidriver()
print(json.dumps({"ready": True}), flush=True)
for line in sys.stdin:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            rc = driver.main(json.loads(line))
        except SystemExit as e:
            rc = e.code if isinstance(e.code, int) else 1
        except Exception as e:
            print(repr(e), file=sys.stderr)
            rc = 255
    print(json.dumps({"rc": rc, "out": out.getvalue(), "err": err.getvalue()}), flush=True)
`

// driver is a Python process running driverScript; a nil driver, or one
// that could not start, runs the aws program once per command instead.
type driver struct {
	env   []string
	cmd   *exec.Cmd
	stdin io.WriteCloser
	out   *bufio.Reader
}

func startDriver(env []string) *driver {
	d := &driver{env: env}
	python := pythonOfAWS()
	if python == "" {
		return d
	}
	cmd := exec.Command(python, "-c", driverScript)
	cmd.Env = env
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return d
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return d
	}
	if err := cmd.Start(); err != nil {
		return d
	}
	r := bufio.NewReaderSize(stdout, 1<<20)
	var ready struct{ Ready bool }
	line, err := r.ReadBytes('\n')
	if err != nil || json.Unmarshal(line, &ready) != nil || !ready.Ready {
		stdin.Close()
		cmd.Wait()
		return d
	}
	d.cmd, d.stdin, d.out = cmd, stdin, r
	return d
}

// pythonOfAWS finds the Python that runs the aws program, from its #! line
// (through a pyenv shim if need be); "" when there is none.
func pythonOfAWS() string {
	path, err := exec.LookPath("aws")
	if err != nil {
		return ""
	}
	if out, err := exec.Command("pyenv", "which", "aws").Output(); err == nil {
		path = strings.TrimSpace(string(out))
	}
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	first, _ := bufio.NewReader(f).ReadString('\n')
	interp, ok := strings.CutPrefix(strings.TrimSpace(first), "#!")
	if !ok || !strings.Contains(interp, "python") || strings.Contains(interp, " ") {
		return ""
	}
	return interp
}

func (d *driver) run(ctx context.Context, args []string) (stdout, stderr string, code int, err error) {
	if d.cmd == nil {
		return runProgram(ctx, d.env, args)
	}
	line, _ := json.Marshal(args)
	if _, err := d.stdin.Write(append(line, '\n')); err != nil {
		return "", "", 0, err
	}
	answer, err := d.out.ReadBytes('\n')
	if err != nil {
		return "", "", 0, fmt.Errorf("the aws CLI driver stopped: %w", err)
	}
	var r struct {
		RC       int
		Out, Err string
	}
	if err := json.Unmarshal(answer, &r); err != nil {
		return "", "", 0, err
	}
	return r.Out, r.Err, r.RC, nil
}

func runProgram(ctx context.Context, env, args []string) (string, string, int, error) {
	cmd := exec.CommandContext(ctx, "aws", args...)
	cmd.Env = env
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return out.String(), errb.String(), ee.ExitCode(), nil
		}
		return "", "", 0, err
	}
	return out.String(), errb.String(), 0, nil
}

func (d *driver) close() {
	if d == nil || d.cmd == nil {
		return
	}
	d.stdin.Close()
	d.cmd.Wait()
}
