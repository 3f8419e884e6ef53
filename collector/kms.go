package collector

import (
	"context"
	"slices"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"

	"github.com/trailwatch/trailwatch/internal/awsarn"
	"github.com/trailwatch/trailwatch/internal/snapshot"
)

// A topic encrypted with a KMS key tells CloudWatch's alarms nothing unless
// the key is enabled and its policy lets cloudwatch.amazonaws.com use it;
// a trail encrypted with a disabled key delivers no log files.
// The key is read where it lives: kms:DescribeKey (state, manager) and
// kms:GetKeyPolicy, which AWS answers only in the key's own account.

// keyRef is a key as a topic names it, with where to read it.
type keyRef struct {
	account, region, reference string
}

func (k keyRef) key() string { return "kms " + k.region + " " + k.reference }

// topicKey is the key a topic's KmsMasterKeyId names, in the topic's
// account and region unless it is an ARN; ok is false for a topic without
// a key and for AWS managed aliases (alias/aws/...), whose verdict needs no
// call: CloudWatch cannot use an AWS managed key.
func topicKey(topicArn string, attributes map[string]string) (keyRef, bool) {
	ref := attributes["KmsMasterKeyId"]
	if ref == "" {
		return keyRef{}, false
	}
	topic, ok := awsarn.Parse(topicArn)
	if !ok {
		return keyRef{}, false
	}
	k := keyRef{account: topic.Account, region: topic.Region, reference: ref}
	if a, ok := awsarn.Parse(ref); ok {
		k.account, k.region = a.Account, a.Region
		if strings.HasPrefix(a.Resource, "alias/aws/") {
			return keyRef{}, false
		}
	} else if strings.HasPrefix(ref, "alias/aws/") {
		return keyRef{}, false
	}
	return k, true
}

// trailKey is the key a trail's KmsKeyId names (CloudTrail keeps the
// key's ARN); ok is false for a trail without one and for a trail another
// account owns, whose owner reads its key.
func trailKey(account string, t snapshot.Trail) (keyRef, bool) {
	if t.KmsKeyId == "" || awsarnAccount(t.TrailARN) != account {
		return keyRef{}, false
	}
	k := keyRef{account: account, region: t.HomeRegion, reference: t.KmsKeyId}
	if a, ok := awsarn.Parse(t.KmsKeyId); ok {
		k.account, k.region = a.Account, a.Region
	}
	return k, true
}

// keysOf lists the keys the topics and trails read in this account name,
// by whether the key lives in this account (own) or another (foreign).
func (a *accountRun) keysOf() (own, foreign []keyRef) {
	a.mu.Lock()
	defer a.mu.Unlock()
	add := func(k keyRef, ok bool) {
		switch {
		case !ok:
		case k.account == a.id:
			own = append(own, k)
		default:
			foreign = append(foreign, k)
		}
	}
	for _, reg := range a.regions {
		for _, t := range reg.data.Topics {
			add(topicKey(t.TopicArn, t.Attributes))
		}
		for _, t := range reg.data.Trails {
			add(trailKey(a.id, t))
		}
	}
	cmpRef := func(x, y keyRef) int { return strings.Compare(x.key(), y.key()) }
	slices.SortFunc(own, cmpRef)
	slices.SortFunc(foreign, cmpRef)
	return slices.Compact(own), slices.Compact(foreign)
}

// pendingKeys lists the keys of this account's topics that live in this
// account, as keyRef.key() strings.
func (a *accountRun) pendingKeys() []string {
	own, _ := a.keysOf()
	var out []string
	for _, k := range own {
		out = append(out, k.key())
	}
	return out
}

// readKey reads one key in its region: kms:DescribeKey, then
// kms:GetKeyPolicy on the key the description names. Each failure is
// recorded with the reference as its resource.
func (a *accountRun) readKey(ctx context.Context, key string) {
	rest, _ := strings.CutPrefix(key, "kms ")
	region, reference, _ := strings.Cut(rest, " ")
	reg := a.ensureFollowed(ctx, region)
	record := snapshot.KMSKey{Reference: reference}
	client := a.api.KMS(region)
	desc, err := call(ctx, a.r, "kms", "DescribeKey", func(ctx context.Context) (*kms.DescribeKeyOutput, error) {
		return client.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(reference)})
	})
	if err != nil {
		f := failure("kms", "DescribeKey", region, reference, err)
		a.fail(region, f)
		if notFound(f) {
			return // no such key: the recorded NotFound is the evidence
		}
	} else if m := desc.KeyMetadata; m != nil {
		record.KeyMetadata = &snapshot.KeyMetadata{
			KeyId:        aws.ToString(m.KeyId),
			Arn:          aws.ToString(m.Arn),
			AWSAccountId: aws.ToString(m.AWSAccountId),
			Enabled:      m.Enabled,
			KeyState:     string(m.KeyState),
			KeyManager:   string(m.KeyManager),
			KeyUsage:     string(m.KeyUsage),
			KeySpec:      string(m.KeySpec),
			Description:  aws.ToString(m.Description),
			DeletionDate: rfc3339(m.DeletionDate),
		}
	}
	// GetKeyPolicy takes a key id or ARN, not an alias: ask for the key
	// the description named, or the reference itself when there was none.
	target := reference
	if record.KeyMetadata != nil && record.KeyMetadata.Arn != "" {
		target = record.KeyMetadata.Arn
	}
	if record.KeyMetadata == nil || record.KeyMetadata.KeyManager != "AWS" {
		pol, err := call(ctx, a.r, "kms", "GetKeyPolicy", func(ctx context.Context) (*kms.GetKeyPolicyOutput, error) {
			return client.GetKeyPolicy(ctx, &kms.GetKeyPolicyInput{KeyId: aws.String(target), PolicyName: aws.String("default")})
		})
		if err != nil {
			a.fail(region, failure("kms", "GetKeyPolicy", region, reference, err))
		} else {
			record.Policy = pol.Policy
		}
	}
	a.mu.Lock()
	reg.data.KMSKeys = append(reg.data.KMSKeys, record)
	a.mu.Unlock()
}

// crossAccount reads, with each account's own credentials, what other
// accounts of the run lead to: an alarm's topic in a central security
// account, and a topic's key in another account. It goes round until a
// pass reads nothing new. What belongs to an account the run does not
// hold stays unread, and evaluate says so.
func crossAccount(ctx context.Context, runs []*accountRun) {
	byID := map[string]*accountRun{}
	for _, a := range runs {
		if a.id != "" {
			byID[a.id] = a
		}
	}
	for ctx.Err() == nil {
		work := map[*accountRun][]string{} // owner -> topic ARNs and key refs
		for _, a := range runs {
			for _, arn := range a.foreignTopics() {
				if owner := byID[awsarnAccount(arn)]; owner != nil {
					work[owner] = append(work[owner], arn)
				}
			}
			_, foreign := a.keysOf()
			for _, k := range foreign {
				if owner := byID[k.account]; owner != nil {
					work[owner] = append(work[owner], k.key())
				}
			}
		}
		n := 0
		var mu sync.Mutex
		var wg sync.WaitGroup
		for owner, items := range work {
			wg.Go(func() {
				read := owner.read(ctx, func() []string { return items }, func(ctx context.Context, item string) {
					if strings.HasPrefix(item, "kms ") {
						owner.readKey(ctx, item)
					} else {
						owner.readTopic(ctx, item)
					}
				})
				owner.follow(ctx)
				mu.Lock()
				n += read
				mu.Unlock()
			})
		}
		wg.Wait()
		if n == 0 {
			return
		}
	}
}

func awsarnAccount(arn string) string {
	a, _ := awsarn.Parse(arn)
	return a.Account
}
