package e2e

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trailwatch/trailwatch/internal/moto"
)

// A whole organization, made through moto's Organizations API: the
// management account creates the organization and four accounts, closes a
// fifth (SUSPENDED), and every account is set up with the benchmark's
// remediation. collect --organization-role lists the accounts and reads
// each ACTIVE one through the role (the management account with its own
// credentials); AWS refuses the role in one member (a proxy answers
// AssumeRole for it with AccessDenied), which is recorded and judged ERROR,
// never dropped; the closed one is listed as skipped. Collected in three
// shards and evaluated together, the report is the same as in one run.
func TestOrganization(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	const mgmtID = "800000000000"
	mgmt, err := admin.AssumeRole(ctx, mgmtID, "seed")
	if err != nil {
		t.Fatal(err)
	}
	mgmt = mgmt.With("us-east-1", mgmt.KeyID, mgmt.Secret, mgmt.Token, mgmtID)
	t.Cleanup(mgmt.Close)
	if _, err := mgmt.Run(ctx, "organizations", "create-organization", "--feature-set", "ALL"); err != nil {
		t.Fatal(err)
	}
	var members []string
	for i := range 5 {
		out, err := mgmt.Run(ctx, "organizations", "create-account", "--email", "member"+string(rune('a'+i))+"@example.com", "--account-name", "member-"+string(rune('a'+i)))
		if err != nil {
			t.Fatal(err)
		}
		var created struct{ CreateAccountStatus struct{ AccountId string } }
		if err := json.Unmarshal([]byte(out), &created); err != nil || created.CreateAccountStatus.AccountId == "" {
			t.Fatalf("create-account: %v %s", err, out)
		}
		members = append(members, created.CreateAccountStatus.AccountId)
	}
	closed, refused := members[4], members[3]
	if _, err := mgmt.Run(ctx, "organizations", "close-account", "--account-id", closed); err != nil {
		t.Fatal(err)
	}
	if _, err := mgmt.Remediate(ctx, scenario(moto.Account{})); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 3)
	for _, id := range members[:3] {
		go func() {
			cli, err := admin.AssumeRole(ctx, id, "seed")
			if err == nil {
				cli = cli.With("us-east-1", cli.KeyID, cli.Secret, cli.Token, id)
				defer cli.Close()
				_, err = cli.Remediate(ctx, scenario(moto.Account{}))
			}
			done <- err
		}()
	}
	for range 3 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	proxy := newFaultProxy(t, srv.URL, fault{match: "AssumeRole", body: refused, status: 403, code: "AccessDenied", times: -1,
		msg: "User: arn:aws:sts::" + mgmtID + ":assumed-role/seed/trailwatch is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::" + refused + ":role/OrganizationAccountAccessRole"})

	collectOrg := func(extra ...string) (string, string) {
		path := filepath.Join(t.TempDir(), "org.json")
		args := append([]string{"collect", "--endpoint-url", proxy.URL, "-o", path, "--organization-role", "OrganizationAccountAccessRole", "--region", "us-east-1"}, extra...)
		code, _, stderr := trailwatch(t, mgmt.Env(), args...)
		if code > 1 {
			t.Fatalf("collect %v: exit %d\n%s", extra, code, stderr)
		}
		return path, stderr
	}
	whole, stderr := collectOrg()
	if !strings.Contains(stderr, "skipping 1 account:\n  "+closed+": the account is SUSPENDED in the organization") {
		t.Errorf("collect does not say it skipped the closed account:\n%s", stderr)
	}
	snap := readSnapshot(t, whole)
	if len(snap.Accounts) != 5 || len(snap.Skipped) != 1 || snap.Skipped[0].AccountID != closed {
		t.Fatalf("%d accounts, skipped %+v; want the management account and four members, and %s skipped", len(snap.Accounts), snap.Skipped, closed)
	}
	_, results := evaluateScenario(t, whole)
	for _, id := range append([]string{mgmtID}, members[:3]...) {
		if pass, other := results.all(id, "PASS"); !pass {
			t.Errorf("account %s: %v", id, other)
		}
	}
	if _, out, _ := trailwatch(t, nil, "evaluate", whole); !strings.Contains(out, "accounts not read (1):\n  "+closed) {
		t.Errorf("the report does not list the skipped account:\n%s", out)
	}
	if errs, other := results.all(refused, "ERROR"); !errs || !strings.Contains(results[refused][trail45].Reason, "AssumeRole") {
		t.Errorf("the account whose role was refused: %v, %s", other, results[refused][trail45].Reason)
	}

	// An account named that is not a member is said, recorded and listed,
	// never dropped without a word.
	named, stderr := collectOrg("--account", members[0], "--account", "999999999999")
	if !strings.Contains(stderr, "999999999999: named with --account, but not a member of the organization") {
		t.Errorf("collect does not say the named account is not a member:\n%s", stderr)
	}
	if s := readSnapshot(t, named); len(s.Accounts) != 1 || len(s.Skipped) != 1 || s.Skipped[0].AccountID != "999999999999" {
		t.Errorf("accounts %d, skipped %+v", len(s.Accounts), s.Skipped)
	}
	if _, out, _ := trailwatch(t, nil, "evaluate", named); !strings.Contains(out, "999999999999") {
		t.Errorf("the report does not list the account that is not a member:\n%s", out)
	}

	// Three shards, evaluated together: the same report.
	var shards []string
	seen := map[string]bool{}
	for _, k := range []string{"1/3", "2/3", "3/3"} {
		path, _ := collectOrg("--shard", k)
		shards = append(shards, path)
		for _, a := range readSnapshot(t, path).Accounts {
			if seen[a.AccountID] {
				t.Errorf("account %s is in two shards", a.AccountID)
			}
			seen[a.AccountID] = true
		}
	}
	if len(seen) != 5 {
		t.Errorf("the shards hold %d accounts, want 5", len(seen))
	}
	_, sharded := evaluateScenario(t, shards...)
	for id, controls := range results {
		for c, r := range controls {
			if s := sharded[id][c]; s.Status != r.Status || s.Reason != r.Reason {
				t.Errorf("%s %s: %s %q in one run, %s %q in shards", id, c, r.Status, r.Reason, s.Status, s.Reason)
			}
		}
	}
	if len(sharded) != len(results) {
		t.Errorf("%d accounts judged from shards, %d from one run", len(sharded), len(results))
	}

	// An account outside any organization cannot list one: exit 2, with
	// the reason, and no snapshot.
	outsider, err := admin.AssumeRole(ctx, "800000000099", "seed")
	if err != nil {
		t.Fatal(err)
	}
	outsider = outsider.With("us-east-1", outsider.KeyID, outsider.Secret, outsider.Token, "800000000099")
	t.Cleanup(outsider.Close)
	path := filepath.Join(t.TempDir(), "none.json")
	code, _, stderr := trailwatch(t, outsider.Env(), "collect", "--endpoint-url", srv.URL, "-o", path, "--organization-role", "OrganizationAccountAccessRole", "--region", "us-east-1")
	if code != 2 || !strings.Contains(stderr, "organizations:ListAccounts") {
		t.Errorf("outside an organization: exit %d\n%s", code, stderr)
	}
	if _, err := os.Stat(path); err == nil {
		t.Error("a failed listing wrote a snapshot")
	}
}
