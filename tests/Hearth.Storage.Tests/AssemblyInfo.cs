using Hearth.Testing;

// One PostgreSQL server for the whole run; every test gets its own database on it.
[assembly: AssemblyFixture(typeof(PostgresServer))]

// One S3-compatible server for the whole run, started only if an S3 test runs; every store gets its own bucket.
[assembly: AssemblyFixture(typeof(S3Server))]
