using Hearth.Testing;

namespace Hearth.Storage.Tests;

public sealed class PostgresSubmitterTests(PostgresServer server) : SubmitterContract(new PostgresTestStores(server));
