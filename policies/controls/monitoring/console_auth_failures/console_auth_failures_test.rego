package controls.monitoring.console_auth_failures_test

import data.lib.monitoring.own

# What is this control's own: the records its filter must catch and those
# it should leave alone. The chain's failure modes are tested once in the
# library (lib/monitoring), and the generic cases once for every control
# (lib/monitoring/controls_test.rego).

test_pass_response_failure if own.passes("console_auth_failures", `{ ($.eventName = ConsoleLogin) && ($.responseElements.ConsoleLogin = "Failure") }`)

test_pass_without_event_name if own.passes("console_auth_failures", `{ $.errorMessage = "Failed authentication" }`)

test_fail_iam_users_only if own.fails_with("console_auth_failures", `{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") && ($.userIdentity.type = IAMUser) }`, "misses the root user's failed console sign-in")

test_fail_case_of_the_message if own.fails_with("console_auth_failures", `{ ($.eventName = ConsoleLogin) && ($.errorMessage = "failed authentication") }`, "misses an IAM user's failed console sign-in")
