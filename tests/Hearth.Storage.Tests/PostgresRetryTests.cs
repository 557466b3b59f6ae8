using Hearth.Testing;

namespace Hearth.Storage.Tests;

public sealed class PostgresRetryTests(PostgresServer server) : RetryContract(new PostgresTestStores(server));
