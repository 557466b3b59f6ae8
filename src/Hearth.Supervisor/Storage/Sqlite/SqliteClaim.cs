using System.Diagnostics;

namespace Hearth.Supervisor.Storage.Sqlite;

/// <summary>
/// A SQLite store's claim: an exclusive lock on a file beside the database, which the operating system
/// releases when the process ends however it ends. A file beside it names the holder for the message a second
/// supervisor gets.
/// </summary>
internal sealed class SqliteClaim : IStoreClaim
{
    private static readonly TimeSpan Retry = TimeSpan.FromMilliseconds(200);
    private readonly FileStream _lock;

    private SqliteClaim(FileStream lockFile) => _lock = lockFile;

    public CancellationToken Lost => CancellationToken.None;

    public static async Task<IStoreClaim> TakeAsync(string database, TimeSpan wait, CancellationToken cancellationToken)
    {
        var path = database + ".supervisor-lock";
        var holder = database + ".supervisor";
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                await File.WriteAllTextAsync(holder, $"supervisor pid {Environment.ProcessId} on {Environment.MachineName}", cancellationToken).ConfigureAwait(false);
                return new SqliteClaim(file);
            }
            catch (IOException) when (clock.Elapsed < wait)
            {
                // Waiting on another process, so on the real clock.
                await Task.Delay(Retry, cancellationToken).ConfigureAwait(false);
            }
            catch (IOException)
            {
                throw new StoreInUseException($"SQLite database {database} is in use by another {Holder(holder)}; stop it first, or give this one its own --data");
            }
        }
    }

    private static string Holder(string path)
    {
        try
        {
            var text = File.ReadAllText(path).Trim();
            return text.Length > 0 ? text : "supervisor";
        }
        catch (IOException)
        {
            return "supervisor";
        }
    }

    public async ValueTask DisposeAsync() => await _lock.DisposeAsync().ConfigureAwait(false);
}
