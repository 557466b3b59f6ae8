using Hearth.Testing;

namespace Hearth.Resilience.Tests;

/// <summary>Crash and restart on the default store: SQLite in the supervisor's data directory.</summary>
public sealed class SqliteCrashRestartTests : CrashRestartTests
{
    protected override Task<string?> CreateDatabaseAsync() => Task.FromResult<string?>(null);
}

/// <summary>Crash and restart on PostgreSQL, a fresh database on the server the tests started.</summary>
public sealed class PostgresCrashRestartTests(PostgresServer server) : CrashRestartTests
{
    protected override async Task<string?> CreateDatabaseAsync() => await server.CreateDatabaseAsync(TestContext.Current.CancellationToken);
}
