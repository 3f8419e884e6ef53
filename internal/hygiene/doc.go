// Package hygiene holds no code: its tests make the project's rules
// executable (import boundaries, formatting, vet, a tidy go.mod).
package hygiene
