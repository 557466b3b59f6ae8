using Hearth.Supervisor.Storage;

namespace Hearth.Supervisor.Auth;

/// <summary>
/// On first start, generates an admin key and a worker key, stores their hashes and writes the keys to
/// <c>DIR/admin.key</c> and <c>DIR/worker.key</c> (owner read/write only). Later starts read them back; a
/// missing or unknown file gets a fresh key, which is how an operator who lost the file gets back in.
/// </summary>
public static class KeyBootstrap
{
    public static async Task<BootstrapKeys> EnsureAsync(IKeyStore keys, string directory, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        PrivateFiles.CreateDirectory(directory);
        var stored = await keys.ListAsync(cancellationToken).ConfigureAwait(false);
        var adminPath = Path.Combine(directory, "admin.key");
        var workerPath = Path.Combine(directory, "worker.key");
        var (admin, created) = await EnsureOneAsync(keys, stored, KeyRoles.Admin, adminPath, time, cancellationToken).ConfigureAwait(false);
        var (worker, _) = await EnsureOneAsync(keys, stored, KeyRoles.Worker, workerPath, time, cancellationToken).ConfigureAwait(false);
        return new BootstrapKeys(adminPath, admin, workerPath, worker, created);
    }

    private static async Task<(string? Key, bool Created)> EnsureOneAsync(
        IKeyStore keys, IReadOnlyList<ApiKeyRecord> stored, string role, string path, TimeProvider time, CancellationToken cancellationToken)
    {
        var active = stored.Where(k => k.Role == role && k.RevokedAt is null).ToList();
        if (active.Count > 0 && File.Exists(path))
        {
            // The file is only the operator's copy; it is trusted only if it matches a stored key.
            var onDisk = (await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false)).Trim();
            if (active.Any(k => k.Hash == ApiKeys.Hash(onDisk)))
            {
                PrivateFiles.Narrow(path);
                return (onDisk, false);
            }
        }

        // First start, or the operator's copy was lost: a new key, so nobody is locked out.
        var (id, key) = ApiKeys.Generate();
        await keys.AddAsync(new ApiKeyRecord(id, ApiKeys.Hash(key), role, null, $"{role} key created on first start", time.GetUtcNow(), null, 0), cancellationToken)
            .ConfigureAwait(false);
        await WriteSecretAsync(path, key, cancellationToken).ConfigureAwait(false);
        return (key, true);
    }

    private static async Task WriteSecretAsync(string path, string key, CancellationToken cancellationToken)
    {
        var temp = path + ".tmp";
        // A leftover from an interrupted write would keep its own mode: the key is written to a file created here.
        File.Delete(temp);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = PrivateFiles.FileMode;
        }

        await using (var stream = new FileStream(temp, options))
        await using (var writer = new StreamWriter(stream))
        {
            await writer.WriteLineAsync(key.AsMemory(), cancellationToken).ConfigureAwait(false);
        }

        File.Move(temp, path, overwrite: true);
    }
}
