package e2e

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/trailwatch/trailwatch/internal/moto"
)

// BenchmarkCollect times whole `trailwatch collect` runs against moto: one
// account and five accounts (through --role-arn), four regions each,
// sequential (--concurrency 1) and concurrent (--concurrency 8). Each
// account is set up with the benchmark's remediation first, outside the
// timing.
//
//	go test ./internal/e2e -run '^$' -bench Collect -benchtime 5x
func BenchmarkCollect(b *testing.B) {
	accounts := []string{"500000000001", "500000000002", "500000000003", "500000000004", "500000000005"}
	var wg sync.WaitGroup
	errs := make([]error, len(accounts))
	for i, a := range accounts {
		wg.Go(func() {
			cli, err := admin.AssumeRole(b.Context(), a, "seed")
			if err == nil {
				_, err = cli.Remediate(b.Context(), moto.Account{})
				cli.Close()
			}
			errs[i] = err
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			b.Fatal(err)
		}
	}
	regions := []string{"--region", "us-east-1", "--region", "eu-west-1", "--region", "us-west-2", "--region", "ap-southeast-2"}
	slow := newFaultProxy(b, srv.URL)
	slow.delay = 50 * time.Millisecond
	for _, ep := range []struct{ name, url string }{{"moto", srv.URL}, {"moto+50ms", slow.URL}} {
		for _, n := range []int{1, 5} {
			for _, conc := range []int{1, 8} {
				b.Run(fmt.Sprintf("%s/accounts=%d/regions=4/concurrency=%d", ep.name, n, conc), func(b *testing.B) {
					args := append([]string{"collect", "--endpoint-url", ep.url, "-o", b.TempDir() + "/s.json", "--quiet", "--concurrency", fmt.Sprint(conc)}, regions...)
					for _, a := range accounts[:n] {
						args = append(args, "--role-arn", moto.RoleARN(a, "audit"))
					}
					for b.Loop() {
						cmd := execTrailwatch(admin.Env(), args...)
						if out, err := cmd.CombinedOutput(); err != nil {
							b.Fatalf("%v\n%s", err, out)
						}
					}
				})
			}
		}
	}
}
