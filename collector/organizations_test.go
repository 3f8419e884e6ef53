package collector

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/smithy-go"
)

// fakeOrg answers ListAccounts in pages of two, or with an error.
type fakeOrg struct {
	accounts []types.Account
	err      error
	calls    int
}

func (f *fakeOrg) ListAccounts(_ context.Context, in *organizations.ListAccountsInput, _ ...func(*organizations.Options)) (*organizations.ListAccountsOutput, error) {
	f.calls++
	if f.err != nil {
		return nil, f.err
	}
	start := 0
	if in.NextToken != nil {
		fmt.Sscan(*in.NextToken, &start)
	}
	end := min(start+2, len(f.accounts))
	out := &organizations.ListAccountsOutput{Accounts: f.accounts[start:end]}
	if end < len(f.accounts) {
		out.NextToken = aws.String(fmt.Sprint(end))
	}
	return out, nil
}

func TestListAccounts(t *testing.T) {
	f := &fakeOrg{}
	for i := range 5 {
		a := types.Account{Id: aws.String(fmt.Sprintf("%012d", i+1)), Arn: aws.String(fmt.Sprintf("arn:aws-us-gov:organizations::000000000001:account/o-x/%012d", i+1)), State: types.AccountStateActive}
		if i == 3 {
			a.State = types.AccountStateSuspended
		}
		if i == 4 {
			a.State, a.Status = "", types.AccountStatusActive // an older answer: Status only
		}
		f.accounts = append(f.accounts, a)
	}
	got, err := ListAccounts(context.Background(), f)
	if err != nil || len(got) != 5 || f.calls != 3 {
		t.Fatalf("%d accounts in %d calls, %v", len(got), f.calls, err)
	}
	if got[3].Active() || !got[4].Active() || got[0].Partition() != "aws-us-gov" {
		t.Errorf("%+v", got)
	}
	for code, want := range map[string]string{
		"AccessDeniedException":             "management account or a delegated administrator",
		"AWSOrganizationsNotInUseException": "not in an organization",
		"TooManyRequestsException":          "TooManyRequestsException",
	} {
		_, err := ListAccounts(context.Background(), &fakeOrg{err: &smithy.GenericAPIError{Code: code, Message: "m"}})
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v", code, err)
		}
	}
}

// A shard is K of N by a hash of the account id: every account in exactly
// one shard, the same one whatever other accounts there are.
func TestShard(t *testing.T) {
	// Each part is the integer it is written as: N past 32 bits divided
	// by zero once, and 1/99999999999 was cut to 32 bits without a word.
	for _, bad := range []string{"3/2", "0/0", "0/3", "1-2", "1/2/3", "a/b", " 1/2", "1/4294967296", "1/99999999999",
		"1/100001", "01/2", "+1/2", "1/-2", "1/18446744073709551616", "1/"} {
		if _, err := ParseShard(bad); err == nil {
			t.Errorf("ParseShard(%q) took it", bad)
		}
	}
	if _, err := ParseShard("100000/100000"); err != nil {
		t.Errorf("the largest shard count: %v", err)
	}
	const n = 4
	counts := make([]int, n)
	for i := range 1000 {
		id := fmt.Sprintf("%012d", 100000000000+i*7919)
		holders := 0
		for k := 1; k <= n; k++ {
			sh, err := ParseShard(fmt.Sprintf("%d/%d", k, n))
			if err != nil {
				t.Fatal(err)
			}
			if sh.Holds(id) {
				holders++
				counts[k-1]++
			}
		}
		if holders != 1 {
			t.Fatalf("%s is in %d shards", id, holders)
		}
	}
	for k, c := range counts {
		if c < 180 || c > 320 {
			t.Errorf("shard %d/%d holds %d of 1000 accounts", k+1, n, c)
		}
	}
	if sh, _ := ParseShard("1/1"); !sh.Holds("111122223333") {
		t.Error("1/1 holds every account")
	}
}

// Every line of an accounts file is read, however long; a line that is
// not an id is refused with its number.
func TestParseAccountsFile(t *testing.T) {
	long := strings.Repeat(" ", 70_000) + "111122223333"
	ids, err := ParseAccountsFile("f", []byte("# prod\n"+long+"\n222233334444 # payments\n\n"))
	if err != nil || len(ids) != 2 || ids[0] != "111122223333" || ids[1] != "222233334444" {
		t.Errorf("%v %v", ids, err)
	}
	if _, err := ParseAccountsFile("f", []byte("111122223333\n"+strings.Repeat("x", 70_000)+"\n444455556666\n")); err == nil || !strings.Contains(err.Error(), "f:2:") {
		t.Errorf("a long bad line: %v", err)
	}
	if _, err := ParseAccountsFile("f", []byte("# nothing\n")); err == nil || !strings.Contains(err.Error(), "no account ids") {
		t.Errorf("an empty file: %v", err)
	}
}
