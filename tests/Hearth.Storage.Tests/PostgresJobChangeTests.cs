using Hearth.Testing;

namespace Hearth.Storage.Tests;

public sealed class PostgresJobChangeTests(PostgresServer server) : JobChangeContract(new PostgresTestStores(server));
