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
	seedAccounts(b, accounts, nil)
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

// BenchmarkCollectScaling measures how collect scales with regions and
// accounts when every call costs 100 ms (a proxy in front of moto adds it,
// as a network to AWS would), and prints the ratios: seventeen regions of
// one account against one region (the target: at most 1.5 times), and a
// hundred accounts at --concurrency 8, 32 and 64. Accounts are set up
// outside the timing, with one control's remediation each.
//
//	go test ./internal/e2e -run '^$' -bench CollectScaling -benchtime 1x
func BenchmarkCollectScaling(b *testing.B) {
	slow := newFaultProxy(b, srv.URL)
	slow.delay = 100 * time.Millisecond
	run := func(b *testing.B, conc int, regions []string, accts []string) time.Duration {
		args := []string{"collect", "--endpoint-url", slow.URL, "-o", b.TempDir() + "/s.json", "--quiet"}
		if conc > 0 {
			args = append(args, "--concurrency", fmt.Sprint(conc))
		}
		for _, r := range regions {
			args = append(args, "--region", r)
		}
		for _, a := range accts {
			args = append(args, "--role-arn", moto.RoleARN(a, "audit"))
		}
		start := time.Now()
		if out, err := execTrailwatch(admin.Env(), args...).CombinedOutput(); err != nil {
			b.Fatalf("%v\n%s", err, out)
		}
		return time.Since(start)
	}
	seventeen := []string{"us-east-1", "us-east-2", "us-west-1", "us-west-2", "ca-central-1", "sa-east-1",
		"eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1", "eu-north-1",
		"ap-south-1", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-southeast-1", "ap-southeast-2"}
	b.Run("regions", func(b *testing.B) {
		seedAccounts(b, []string{"510000000000"}, nil)
		for b.Loop() {
			one := run(b, 0, seventeen[:1], []string{"510000000000"})
			all := run(b, 0, seventeen, []string{"510000000000"})
			fmt.Printf("collect, 100 ms per call, one account, default --concurrency: 1 region %v, 17 regions %v: %.2fx (target at most 1.5x)\n",
				one.Round(time.Millisecond), all.Round(time.Millisecond), float64(all)/float64(one))
		}
	})
	b.Run("accounts", func(b *testing.B) {
		var accounts []string
		for i := range 100 {
			accounts = append(accounts, fmt.Sprintf("%012d", 520000000000+i))
		}
		seedAccounts(b, accounts, []string{"cloudtrail_config_changes"})
		for b.Loop() {
			var base time.Duration
			for _, conc := range []int{8, 32, 64} {
				d := run(b, conc, seventeen[:1], accounts)
				if base == 0 {
					base = d
				}
				fmt.Printf("collect, 100 ms per call, 100 accounts, 1 region, --concurrency %d: %v (%.2fx the time at 8)\n", conc, d.Round(time.Millisecond), float64(d)/float64(base))
			}
		}
	})
}

// seedAccounts sets accounts up with the benchmark's remediation (of the
// controls given, or all), four at a time.
func seedAccounts(b *testing.B, accounts, controls []string) {
	sem := make(chan struct{}, 4)
	var wg sync.WaitGroup
	errs := make([]error, len(accounts))
	for i, a := range accounts {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			cli, err := admin.AssumeRole(b.Context(), a, "seed")
			if err == nil {
				_, err = cli.Remediate(b.Context(), moto.Account{Controls: controls})
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
}
