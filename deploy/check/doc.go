// Package check holds no code: its tests lint and render the Helm chart in
// deploy/helm/pipbot and check compose.yaml and .env.example against the
// configuration that package config reads.
package check
