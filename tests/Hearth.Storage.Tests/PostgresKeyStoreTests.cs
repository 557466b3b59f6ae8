using Hearth.Testing;

namespace Hearth.Storage.Tests;

public sealed class PostgresKeyStoreTests(PostgresServer server) : KeyStoreContract(new PostgresTestStores(server));
