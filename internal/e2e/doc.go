// Package e2e holds trailwatch's end-to-end tests: moto_server on loopback,
// seeded with the aws CLI as a user would run the benchmark's remediation,
// then the built trailwatch collect and evaluate. They need moto_server and
// aws on PATH and fail, not skip, without them.
package e2e
