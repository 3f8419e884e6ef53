package remediate

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Template is one CloudFormation template of a plan: the account's
// resources in one region.
type Template struct {
	Region string
	Body   []byte
}

// CloudFormation writes a plan as one template per region for what
// CloudFormation can express: new metric filters and alarms, a topic, its
// subscription and a topic policy. The calls it cannot express (starting
// a trail's logging, changing a filter or alarm the stack did not create,
// enabling a key) and the manual steps are listed in the template's
// description, and whole in its Metadata.
func CloudFormation(p Plan, m Meta) ([]Template, error) {
	regions := map[string]*cfnTemplate{}
	var order []string
	get := func(region string) *cfnTemplate {
		t, ok := regions[region]
		if !ok {
			t = &cfnTemplate{resources: map[string]any{}, ids: map[string]bool{}, topics: map[string]string{}}
			regions[region] = t
			order = append(order, region)
		}
		return t
	}
	var global []string // the manual steps, listed in every template
	for _, c := range p.Calls {
		t := get(c.Region)
		ok, err := t.add(c)
		if err != nil {
			return nil, err
		}
		if !ok {
			t.notExpressed = append(t.notExpressed, commandLine(c)+"  # "+strings.Join(describeCall(c), " "))
		}
	}
	for i, man := range p.Manual {
		global = append(global, fmt.Sprintf("manual step %d (%s): %s", i+1, strings.Join(man.Controls, ", "), oneLine(man.Text)))
	}
	if len(order) == 0 && len(global) > 0 {
		order = append(order, "")
		regions[""] = &cfnTemplate{resources: map[string]any{}}
	}
	sort.Strings(order)
	var out []Template
	for _, region := range order {
		t := regions[region]
		notExpressed := append(append([]string{}, t.notExpressed...), global...)
		desc := fmt.Sprintf("trailwatch remediate: account %s, %s. Judged by %s. Mends: %s.", p.Account, regionWords(region), oneLine(m.Benchmark), strings.Join(append(append([]string{}, p.Mended...), p.Partly...), ", "))
		if len(notExpressed) > 0 {
			desc += fmt.Sprintf(" %d steps CloudFormation cannot express must be taken apart (Metadata.trailwatch.not_expressed): ", len(notExpressed))
			desc += strings.Join(shortSteps(notExpressed), "; ")
		}
		if len(desc) > 1024 { // CloudFormation's limit on a description
			desc = desc[:1000] + " ... (see Metadata)"
		}
		doc := map[string]any{
			"AWSTemplateFormatVersion": "2010-09-09",
			"Description":              desc,
			"Metadata": map[string]any{"trailwatch": map[string]any{
				"account":       p.Account,
				"region":        region,
				"sources":       m.Sources,
				"not_expressed": notExpressed,
			}},
		}
		if len(t.resources) > 0 {
			doc["Resources"] = t.resources
		} else {
			// A template needs a resource: a wait condition handle creates
			// nothing billable and lets the stack record the steps.
			doc["Resources"] = map[string]any{"NothingToCreate": map[string]any{"Type": "AWS::CloudFormation::WaitConditionHandle"}}
		}
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(doc); err != nil {
			return nil, err
		}
		out = append(out, Template{Region: region, Body: b.Bytes()})
	}
	return out, nil
}

func regionWords(region string) string {
	if region == "" {
		return "no region"
	}
	return "region " + region
}

// shortSteps names each step by its first words, for the description.
func shortSteps(steps []string) []string {
	var out []string
	for _, s := range steps {
		words := strings.Fields(s)
		if len(words) > 3 && words[0] == "aws" {
			out = append(out, strings.Join(words[:3], " "))
			continue
		}
		if len(s) > 80 {
			s = s[:77] + "..."
		}
		out = append(out, s)
	}
	return out
}

type cfnTemplate struct {
	resources    map[string]any
	ids          map[string]bool
	topics       map[string]string // topic ARN -> logical id of a topic the template creates
	notExpressed []string
}

// add adds a call as a resource, or says it cannot.
func (t *cfnTemplate) add(c Call) (bool, error) {
	if c.Replaces != "" {
		return false, nil // CloudFormation does not take over what it did not create
	}
	args := map[string][]string{}
	for _, a := range c.Args {
		args[a[0]] = a[1:]
	}
	one := func(name string) string {
		if v := args[name]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	switch c.Service + " " + c.Operation {
	case "logs put-metric-filter":
		var ms []struct {
			MetricName, MetricNamespace, MetricValue string
		}
		if err := json.Unmarshal([]byte(one("--metric-transformations")), &ms); err != nil || len(ms) == 0 {
			return false, nil
		}
		var transforms []any
		for _, m := range ms {
			transforms = append(transforms, map[string]any{"MetricName": m.MetricName, "MetricNamespace": m.MetricNamespace, "MetricValue": m.MetricValue})
		}
		t.put("Filter", one("--filter-name"), "AWS::Logs::MetricFilter", map[string]any{
			"FilterName":            one("--filter-name"),
			"LogGroupName":          one("--log-group-name"),
			"FilterPattern":         one("--filter-pattern"),
			"MetricTransformations": transforms,
		})
	case "cloudwatch put-metric-alarm":
		props := map[string]any{
			"AlarmName":          one("--alarm-name"),
			"MetricName":         one("--metric-name"),
			"Namespace":          one("--namespace"),
			"Statistic":          one("--statistic"),
			"ComparisonOperator": one("--comparison-operator"),
			"TreatMissingData":   one("--treat-missing-data"),
		}
		for name, key := range map[string]string{"--period": "Period", "--evaluation-periods": "EvaluationPeriods"} {
			n, err := strconv.Atoi(one(name))
			if err != nil {
				return false, nil
			}
			props[key] = n
		}
		threshold, err := strconv.ParseFloat(one("--threshold"), 64)
		if err != nil {
			return false, nil
		}
		props["Threshold"] = threshold
		var actions []any
		for _, arn := range args["--alarm-actions"] {
			actions = append(actions, t.topicRef(arn))
		}
		props["AlarmActions"] = actions
		t.put("Alarm", one("--alarm-name"), "AWS::CloudWatch::Alarm", props)
	case "sns create-topic":
		id := t.put("Topic", one("--name"), "AWS::SNS::Topic", map[string]any{"TopicName": one("--name")})
		t.topics[topicKey(c.Region, one("--name"))] = id
	case "sns subscribe":
		t.put("Subscription", one("--protocol"), "AWS::SNS::Subscription", map[string]any{
			"TopicArn": t.topicRef(one("--topic-arn")),
			"Protocol": one("--protocol"),
			"Endpoint": one("--notification-endpoint"),
		})
	case "sns set-topic-attributes":
		if one("--attribute-name") != "Policy" {
			return false, nil
		}
		var doc any
		if err := json.Unmarshal([]byte(one("--attribute-value")), &doc); err != nil {
			return false, nil
		}
		t.put("TopicPolicy", topicName(one("--topic-arn")), "AWS::SNS::TopicPolicy", map[string]any{
			"Topics":         []any{t.topicRef(one("--topic-arn"))},
			"PolicyDocument": doc,
		})
	default:
		return false, nil
	}
	return true, nil
}

var notAlnum = regexp.MustCompile(`[^A-Za-z0-9]`)

// put adds a resource under a logical id made of its kind and name
// (letters and digits only, at most 255), numbered when two would
// collide.
func (t *cfnTemplate) put(kind, name, typ string, props map[string]any) string {
	base := kind + notAlnum.ReplaceAllString(name, "")
	if len(base) > 240 {
		base = base[:240]
	}
	id := base
	for n := 2; t.ids[id]; n++ {
		id = fmt.Sprintf("%s%d", base, n)
	}
	t.ids[id] = true
	t.resources[id] = map[string]any{"Type": typ, "Properties": props}
	return id
}

// topicRef is a topic by its ARN, or a Ref to the topic the template
// creates under that name.
func (t *cfnTemplate) topicRef(arn string) any {
	parts := strings.Split(arn, ":")
	if len(parts) == 6 {
		if id, ok := t.topics[topicKey(parts[3], parts[5])]; ok {
			return map[string]any{"Ref": id}
		}
	}
	return arn
}

func topicKey(region, name string) string { return region + "/" + name }

func topicName(arn string) string {
	parts := strings.Split(arn, ":")
	return parts[len(parts)-1]
}
