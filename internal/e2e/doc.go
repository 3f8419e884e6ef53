// Package e2e holds trailwatch's end-to-end tests: moto_server on loopback,
// seeded with the aws CLI as a user would run the benchmark's remediation,
// then the built trailwatch collect and evaluate. They need moto_server and
// aws on PATH and fail, not skip, without them. Each test owns fixed account
// ids in the one moto_server the package starts, so a test runs once per
// process: with -count above 1 the second run finds its accounts already
// seeded and fails on the aws CLI's "already exists".
package e2e
