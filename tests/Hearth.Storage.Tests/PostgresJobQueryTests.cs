using Hearth.Testing;

namespace Hearth.Storage.Tests;

public sealed class PostgresJobQueryTests(PostgresServer server) : JobQueryContract(new PostgresTestStores(server));
