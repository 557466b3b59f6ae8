using Hearth.Testing;

namespace Hearth.Storage.Tests;

public sealed class PostgresFrameStoreTests(PostgresServer server) : FrameStoreContract(new PostgresTestStores(server));
