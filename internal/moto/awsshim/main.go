// Command awsshim stands in for the aws program in the end-to-end tests:
// it sends its arguments to the test, which runs them through the aws
// CLI's own driver kept warm in one Python process (internal/moto), and
// relays what the CLI printed and its exit code. A script of aws calls
// then runs the CLI's real code, without starting Python for each call.
package main

import (
	"encoding/json"
	"fmt"
	"net"
	"os"
)

func main() {
	addr := os.Getenv("TRAILWATCH_AWS_SHIM")
	if addr == "" {
		fmt.Fprintln(os.Stderr, "awsshim: TRAILWATCH_AWS_SHIM is not set")
		os.Exit(255)
	}
	conn, err := net.Dial("unix", addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "awsshim:", err)
		os.Exit(255)
	}
	defer conn.Close()
	if err := json.NewEncoder(conn).Encode(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "awsshim:", err)
		os.Exit(255)
	}
	var answer struct {
		Out, Err string
		Code     int
	}
	if err := json.NewDecoder(conn).Decode(&answer); err != nil {
		fmt.Fprintln(os.Stderr, "awsshim:", err)
		os.Exit(255)
	}
	os.Stdout.WriteString(answer.Out)
	os.Stderr.WriteString(answer.Err)
	os.Exit(answer.Code)
}
