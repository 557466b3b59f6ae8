using Hearth.Testing;

namespace Hearth.Storage.Tests;

public sealed class PostgresSettingTests(PostgresServer server) : SettingContract(new PostgresTestStores(server));
