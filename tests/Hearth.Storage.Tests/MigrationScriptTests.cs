using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Hearth.Supervisor.Storage;

namespace Hearth.Storage.Tests;

/// <summary>
/// The shipped schema scripts are history: stores have applied them, so what each backend gets from the one
/// script of a version must not change once it has shipped.
/// </summary>
public sealed class MigrationScriptTests
{
    /// <summary>
    /// SHA-256 of each script as PostgreSQL applies it (a store whose recorded checksum differs refuses to start), and
    /// of each SQLite script without its comments and layout (the statements existing databases were built by).
    /// </summary>
    private static readonly Dictionary<int, (string Postgres, string Sqlite)> Shipped = new()
    {
        [1] = ("3abe92b96ccd794e4eaef86bedca36a0a6df975863b5b2a5be9d22ec3ee5d172", "3eb0ef62a3582802a48ae718d7bf42928cf7ee8b280061f8c4416cc0ebce2167"),
        [2] = ("50368d812bce75922de4d7789b764ec72311da31201ff0cf75ef73b5dbc1d809", "7260e39fc2ced24b187bb2951045e161404e76b53cf520a2cff6137a1093fdf2"),
        [3] = ("b6a4e5002471bf1e165f741c34c483261b6601b5ee589c261b22dab1f0863ea3", "29c0399da2882e64e8cab761577c9b72ab8ee7614081a359c2a884a7b4bf9299"),
        [4] = ("6ed0e62b75a7472221c577978e2aa1619b5a315a0f3626c1e6923e64fdddb03c", "1ab52fad5ce4e0961d5c15b849c97b3c62806bcf14fbc118050a10b6dc5385aa"),
        [5] = ("00092c01315ee81d050762dd7d9488c7a6762b508da2c2d4f050b820c758984c", "aa396aac287cd834ff560bd11c26788b04d9e2b3c4f7b7c66fb6adf25e110e08"),
        [6] = ("3a5b82d76816e58b6f51c9be852c7ec13012616ea94c10e51e081775f421d587", "8e4419b4e5ea6d8badd64855ce22a42f71ea3659657cb047f807d3b5d88f6167"),
        [7] = ("7d9b4365c14967ce5a9334127ee3643e569574efc5b5ac55f35a772ca51ab8cf", "d9db2410dd515beb51a93b18bbce2414ad8d78a6173d28cf009d31976786a4b8"),
        [8] = ("9b2b2624af6e7012e6244647bba3756c92ebcfe8705e2c50768e140a5c4ae68f", "27ddb7648756f19560e12df505b024a93023dda22667fbb6b3e77cace55aa69a"),
    };

    [Fact]
    public void PostgresGetsEveryShippedScriptByteForByte()
    {
        var scripts = MigrationScripts.For("postgres").ToDictionary(s => s.Version);

        foreach (var (version, (checksum, _)) in Shipped)
        {
            Assert.Equal((version, checksum), (version, Sha256(scripts[version].Sql.ReplaceLineEndings("\n"))));
        }
    }

    [Fact]
    public void SqliteGetsTheStatementsOfEveryShippedScript()
    {
        var scripts = MigrationScripts.For("sqlite").ToDictionary(s => s.Version);

        foreach (var (version, (_, statements)) in Shipped)
        {
            var text = Regex.Replace(Regex.Replace(scripts[version].Sql, "--[^\n]*", ""), @"\s+", " ").Trim().ToUpperInvariant();
            Assert.Equal((version, statements), (version, Sha256(text)));
        }
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public void EveryPlaceholderIsFilledIn(string backend) =>
        Assert.All(MigrationScripts.For(backend), s => Assert.DoesNotContain("$(", s.Sql, StringComparison.Ordinal));

    [Fact]
    public void AnUnknownBackendHasNoScripts() => Assert.Throws<ArgumentException>(() => MigrationScripts.For("oracle"));

    private static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
