using Hearth.Testing;

namespace Hearth.Storage.Tests;

public sealed class PostgresMigrationTests(PostgresServer server) : MigrationContract(new PostgresTestStores(server));
