# METADATA
# title: trailwatch library, a small judge of resource policies
# description: |
#   Whether a resource policy (an SNS topic's policy, a KMS key's policy)
#   lets one request through, judged as IAM evaluates a resource policy
#   ("Policy evaluation logic" in the IAM User Guide): an explicit Deny
#   that applies wins; else an Allow that applies allows; else the request
#   is denied by default.
#
#   The requests trailwatch asks about are those an AWS service makes for a
#   CloudWatch alarm (publishing its notification, using a topic's key), so
#   a request names a service principal, an action, a resource and the
#   request context the service sends (aws:SourceArn, aws:SourceAccount,
#   aws:SourceOwner). A statement whose condition reads a key outside that
#   context, or uses an operator this judge does not know, cannot be judged:
#   the decision is "unknown", naming it, and a verdict that needs it is
#   ERROR, never a silent PASS.
#
#   Principals: "*" and {"AWS": "*"} match every caller, a service
#   principal among them (AWS's own example "Allow any CloudWatch alarm to
#   publish to a topic in a different account" relies on it);
#   {"Service": ...} matches the services it names; an account, user or
#   role principal does not match a service. Actions match without regard
#   to case, with * and ? as wildcards; resources match with case, with the
#   same wildcards.
package lib.core.iam

# decision(policy_text, request) is one of
#   {"effect": "allow", "statement": label}
#   {"effect": "deny", "statement": label}          an explicit Deny
#   {"effect": "implicit_deny"}                     no Allow applies
#   {"effect": "unknown", "reason": why}            a statement that might
#                                                   change the answer cannot
#                                                   be judged
#   {"effect": "invalid", "reason": why}            not a policy document
# request: {"principal": {"service": "cloudwatch.amazonaws.com"},
#           "action": "sns:Publish", "resource": ARN,
#           "context": {"aws:SourceArn": ..., ...}} (context keys in any case)
decision(policy_text, request) := {"effect": "invalid", "reason": why} if {
	why := invalid(policy_text)
} else := d if {
	d := decide(statements(json.unmarshal(policy_text)), request)
}

# source_arn(policy_text, arn) is the aws:SourceArn to judge a request
# with: the alarm's own when the policy reads the key, else one ARN for
# every alarm of the account and region, so that a policy that cannot
# tell the alarms apart is judged once for them all (decisions are cached
# by their arguments).
source_arn(policy_text, arn) := arn if {
	reads_source_arn(policy_text)
} else := every_alarm(arn)

# every_alarm(arn) is the ARN of every alarm of the account and region of
# an alarm's ARN.
every_alarm(arn) := concat(":", array.concat(array.slice(split(arn, ":"), 0, 5), ["alarm:*"]))

# reads_source_arn(policy_text): the policy may read aws:SourceArn (it
# names the key, in any case).
reads_source_arn(policy_text) if contains(lower(policy_text), "sourcearn")

invalid(text) := "it is not JSON" if {
	not json.is_valid(text)
} else := "it has no Statement" if {
	not json.unmarshal(text).Statement
}

statements(doc) := doc.Statement if is_array(doc.Statement)

else := [doc.Statement]

# decide: Deny that applies, else Allow that applies (unless a Deny might
# apply), else the default deny (unless an Allow might apply).
decide(listed, request) := {"effect": "deny", "statement": label(listed, i)} if {
	some i, statement in listed
	statement.Effect == "Deny"
	applies(statement, request) == "yes"
} else := {"effect": "unknown", "reason": reason} if {
	some statement in listed
	statement.Effect == "Deny"
	reason := maybe(statement, request)
	some other in listed
	other.Effect == "Allow"
	applies(other, request) != "no"
} else := {"effect": "allow", "statement": label(listed, i)} if {
	some i, statement in listed
	statement.Effect == "Allow"
	applies(statement, request) == "yes"
} else := {"effect": "unknown", "reason": reason} if {
	some statement in listed
	statement.Effect == "Allow"
	reason := maybe(statement, request)
} else := {"effect": "implicit_deny"}

label(listed, i) := sprintf("statement %s", [listed[i].Sid]) if {
	is_string(listed[i].Sid)
	listed[i].Sid != ""
} else := sprintf("statement %d", [i + 1])

# maybe(statement, request) says why a statement might apply but cannot be judged;
# undefined when it is judged.
maybe(statement, request) := reason if {
	applies(statement, request) == "unknown"
	reason := sprintf("%s: %s", [label([statement], 0), concat("; ", sort(unjudged(statement, request)))])
}

# applies(statement, request) is "yes", "no" or "unknown".
applies(statement, request) := "no" if {
	not matches_target(statement, request)
} else := "no" if {
	some condition in conditions(statement, request)
	condition.result == "no"
} else := "unknown" if {
	some condition in conditions(statement, request)
	condition.result == "unknown"
} else := "yes"

matches_target(statement, request) if {
	matches_principal(statement, request.principal)
	matches_action(statement, request.action)
	matches_resource(statement, request.resource)
}

unjudged(statement, request) := {condition.reason |
	some condition in conditions(statement, request)
	condition.result == "unknown"
}

# --- principal, action, resource ---

matches_principal(statement, principal) if {
	object.get(statement, "Principal", null) != null
	names_principal(statement.Principal, principal)
}

matches_principal(statement, principal) if {
	object.get(statement, "NotPrincipal", null) != null
	not names_principal(statement.NotPrincipal, principal)
}

names_principal("*", _)

names_principal(principal_block, _) if "*" in as_list(object.get(principal_block, "AWS", []))

names_principal(principal_block, principal) if principal.service in as_list(object.get(principal_block, "Service", []))

matches_action(statement, action) if {
	some pattern in as_list(object.get(statement, "Action", []))
	wildcard(pattern, action, true)
}

matches_action(statement, action) if {
	object.get(statement, "NotAction", null) != null
	not any_wildcard(as_list(statement.NotAction), action, true)
}

matches_resource(statement, resource) if {
	some pattern in as_list(object.get(statement, "Resource", []))
	wildcard(pattern, resource, false)
}

matches_resource(statement, resource) if {
	object.get(statement, "NotResource", null) != null
	not any_wildcard(as_list(statement.NotResource), resource, false)
}

any_wildcard(patterns, value, fold) if {
	some principal_block in patterns
	wildcard(principal_block, value, fold)
}

as_list(value) := value if is_array(value)

else := [value]

# wildcard(pattern, value, fold): IAM's * (any run of characters) and ?
# (one character); every other character stands for itself.
wildcard(pattern, value, fold) if {
	is_string(pattern)
	regex.match(wildcard_regex(pattern, fold), value)
}

wildcard_regex(pattern, fold) := concat("", [flag, "^", body, "$"]) if {
	quoted := regex.replace(pattern, `[\\.+()|\[\]{}^$]`, `\$0`)
	body := replace(replace(quoted, "*", "[\\statement\\S]*"), "?", "[\\statement\\S]")
	flag := {true: "(?i)", false: ""}[fold]
}

# --- conditions ---

# conditions(statement, request) are the statement's conditions, one per operator
# and key, each judged: {"result": "yes" | "no" | "unknown", "reason": ...}.
conditions(statement, request) := [judge_condition(op, key, values, request) |
	some op, block in object.get(statement, "Condition", {})
	some key, values in block
]

judge_condition(op, key, values, request) := {"result": "unknown", "reason": sprintf("condition %s on %s is not one trailwatch judges", [op, key])} if {
	not operator(op)
} else := {"result": "unknown", "reason": sprintf("condition key %s is not one trailwatch knows the value of for this request", [key])} if {
	not context_value(key, request)
} else := {"result": result, "reason": ""} if {
	result := {true: "yes", false: "no"}[holds(op, key, as_list(values), request)]
}

# operator(op) is the operator without set prefix and IfExists suffix, when
# trailwatch judges it. The keys it knows are single-valued and present,
# so ForAnyValue:, ForAllValues: and ...IfExists read as the plain
# operator.
operator(op) := base if {
	no_set := trim_prefix(trim_prefix(op, "ForAnyValue:"), "ForAllValues:")
	base := trim_suffix(no_set, "IfExists")
	base in {
		"StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase",
		"StringLike", "StringNotLike", "ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike", "Null",
	}
}

# holds: Null "true" asks that the key be absent, and the keys judged are
# present; every other operator compares the key's value with each value
# of the condition, any one matching (negated for the Not operators).
holds(op, key, values, request) := result if {
	operator(op) == "Null"
	result := count([v | some v in values; lower(sprintf("%v", [v])) == "true"]) == 0
} else := result if {
	base := operator(op)
	value := context_value(key, request)
	matched := count([v | some v in values; compares(replace(base, "Not", ""), sprintf("%v", [v]), value)]) > 0
	result := contains(base, "Not") != matched
}

compares("StringEquals", v, value) if v == value

compares("StringEqualsIgnoreCase", v, value) if lower(v) == lower(value)

compares("StringLike", v, value) if wildcard(v, value, false)

compares("ArnEquals", v, value) if arn_like(v, value)

compares("ArnLike", v, value) if arn_like(v, value)

# arn_like: each of the six colon-separated parts matched on its own, as
# IAM's ArnLike and ArnEquals do (a * does not cross a colon).
arn_like(pattern, value) if {
	principal_block := split_arn(pattern)
	v := split_arn(value)
	every i, part in principal_block {
		wildcard(part, v[i], false)
	}
}

split_arn(statement) := array.concat(array.slice(parts, 0, 5), [concat(":", array.slice(parts, 5, count(parts)))]) if {
	parts := split(statement, ":")
	count(parts) >= 6
}

# context_value(key, request) is the request's value for a key, whatever
# its case; undefined for a key the request does not carry.
context_value(key, request) := v if {
	some k, v in request.context
	lower(k) == lower(key)
}
