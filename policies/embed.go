// Package policies ships trailwatch's Rego policies in the binary: the
// default set that `trailwatch evaluate` uses when no --policy directory is
// given. One directory per control under controls/, with its unit tests and
// data beside it; helpers shared by controls under lib/.
package policies

import "embed"

// FS holds the policies: .rego files, their tests, and their data files.
//
//go:embed lib controls
var FS embed.FS
