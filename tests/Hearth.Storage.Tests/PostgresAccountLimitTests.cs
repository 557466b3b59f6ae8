using Hearth.Testing;

namespace Hearth.Storage.Tests;

public sealed class PostgresAccountLimitTests(PostgresServer server) : AccountLimitContract(new PostgresTestStores(server));
