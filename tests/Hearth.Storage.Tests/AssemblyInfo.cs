using Hearth.Testing;

// One PostgreSQL server for the whole run; every test gets its own database on it.
[assembly: AssemblyFixture(typeof(PostgresServer))]
