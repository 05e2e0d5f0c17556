// Package storagetest gives tests of any package fresh, isolated databases
// and Redis key spaces: SQLite always, PostgreSQL, MySQL/MariaDB and a real
// Redis when CI names them in PIPBOT_TEST_POSTGRES, PIPBOT_TEST_MYSQL and
// PIPBOT_TEST_REDIS. Packages' tests run in parallel against the same
// servers, so each test gets its own schema, database or key prefix, dropped
// at cleanup.
package storagetest

// Environment variables naming the servers of integration tests.
const (
	EnvPostgres = "PIPBOT_TEST_POSTGRES"
	EnvMySQL    = "PIPBOT_TEST_MYSQL"
	EnvRedis    = "PIPBOT_TEST_REDIS"
)
