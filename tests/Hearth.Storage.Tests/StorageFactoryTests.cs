using Hearth.Supervisor;
using Hearth.Supervisor.Storage;
using Hearth.Supervisor.Storage.Postgres;
using Npgsql;

namespace Hearth.Storage.Tests;

/// <summary>How <c>--db</c> picks a backend, and what it says about one it does not understand.</summary>
public sealed class StorageFactoryTests
{
    [Theory]
    [InlineData(null, "sqlite")]
    [InlineData("", "sqlite")]
    [InlineData("sqlite:/var/lib/hearth/hearth.db", "sqlite")]
    [InlineData("Data Source=/var/lib/hearth/hearth.db", "sqlite")]
    [InlineData("Host=db1;Username=hearth;Database=hearth", "postgres")]
    [InlineData("host=db1; port=5433; username=hearth; password=secret; database=farm", "postgres")]
    [InlineData("Server=db1;User ID=hearth;Database=hearth", "postgres")]
    [InlineData("postgres://hearth:secret@db1:5433/farm?sslmode=require", "postgres")]
    [InlineData("postgresql://hearth@db1/farm", "postgres")]
    public async Task TheDatabaseOptionSelectsTheBackend(string? database, string backend)
    {
        var directory = Directory.CreateTempSubdirectory("hearth-factory-");
        try
        {
            await using var store = StorageFactory.Create(new SupervisorOptions { DataDirectory = directory.FullName, Database = database });
            Assert.Equal(backend, store.Name);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData("mysql://db1/hearth")]
    [InlineData("Username=hearth;Database=hearth")]
    [InlineData("just some words")]
    public void ADatabaseThatNamesNoKnownBackendIsRefusedWithTheFormsThatWork(string database)
    {
        var error = Assert.Throws<ArgumentException>(() => StorageFactory.Create(new SupervisorOptions { Database = database }));

        Assert.Contains("Host=", error.Message, StringComparison.Ordinal);
        Assert.Contains("sqlite:PATH", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void APostgresUrlBecomesTheSameConnectionStringItsPartsWould()
    {
        var parsed = new NpgsqlConnectionStringBuilder(PostgresUrl.ToConnectionString("postgres://render%40farm:p%3Ass@db1.example:5433/hearth?sslmode=require"));

        Assert.Equal(("db1.example", 5433, "render@farm", "p:ss", "hearth", SslMode.Require),
            (parsed.Host, parsed.Port, parsed.Username, parsed.Password, parsed.Database, parsed.SslMode));
    }

    [Theory]
    [InlineData("Host=db1;Username=hearth;Password=hunter2;Database=x", "Host=db1;Username=hearth;Password=***;Database=x")]
    [InlineData("Host=db1;PWD=hunter2", "Host=db1;PWD=***")]
    [InlineData("postgres://hearth:hunter2@db1/x", "postgres://hearth:***@db1/x")]
    [InlineData("Host=db1;Username=hearth", "Host=db1;Username=hearth")]
    public void PasswordsNeverAppearInMessages(string connection, string shown)
    {
        Assert.Equal(shown, StorageFactory.Redact(connection));
    }
}
