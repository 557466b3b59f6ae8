using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Hearth.Worker.Builds;

/// <summary>
/// A build's 40-hex identity: the git HEAD commit when the directory is the top of a git checkout (a directory
/// somewhere inside a larger checkout is not its own source, so it gets a content hash), otherwise a content hash.
/// </summary>
internal static class ContentHash
{
    public static async Task<(string Hash, HashSource Source)> ComputeAsync(string directory, CancellationToken cancellationToken)
    {
        var full = Path.GetFullPath(directory).TrimEnd('/');
        if (await GitHeadAsync(full, cancellationToken).ConfigureAwait(false) is { } commit)
        {
            return (commit, HashSource.Git);
        }

        return (await OfContentAsync(full, cancellationToken).ConfigureAwait(false), HashSource.Content);
    }

    /// <summary>
    /// SHA-1 over every file in <see cref="BuildTree"/> order: kind (file, executable, link), path, length and
    /// bytes, each field NUL-terminated. Renaming, editing or flipping the executable bit changes it.
    /// </summary>
    public static async Task<string> OfContentAsync(string directory, CancellationToken cancellationToken)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
        var buffer = new byte[1 << 20];
        foreach (var file in BuildTree.List(directory))
        {
            if (file.IsLink)
            {
                var target = new FileInfo(file.FullPath).LinkTarget!;
                Append(sha, $"L\0{file.RelativePath}\0{target}\0");
                continue;
            }

            var executable = (BuildTree.ModeOf(file.FullPath) & UnixFileMode.UserExecute) != 0;
            var stream = new FileStream(file.FullPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
            await using (stream.ConfigureAwait(false))
            {
                Append(sha, string.Create(CultureInfo.InvariantCulture, $"{(executable ? 'X' : 'F')}\0{file.RelativePath}\0{stream.Length}\0"));
                int read;
                while ((read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    sha.AppendData(buffer, 0, read);
                }
            }
        }

        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    private static void Append(IncrementalHash sha, string text) => sha.AppendData(Encoding.UTF8.GetBytes(text));

    private static async Task<string?> GitHeadAsync(string directory, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(Path.Combine(directory, ".git")) && !File.Exists(Path.Combine(directory, ".git")))
        {
            return null;
        }

        var top = await GitAsync(directory, cancellationToken, "rev-parse", "--show-toplevel").ConfigureAwait(false);
        if (top is null || Path.GetFullPath(top).TrimEnd('/') != directory)
        {
            return null;
        }

        var head = await GitAsync(directory, cancellationToken, "rev-parse", "--verify", "HEAD").ConfigureAwait(false);
        return head is { Length: 40 } && head.All(char.IsAsciiHexDigit) ? head.ToLowerInvariant() : null;
    }

    /// <summary>The trimmed output of a git command, or null when git is missing or the command fails.</summary>
    private static async Task<string?> GitAsync(string directory, CancellationToken cancellationToken, params string[] args)
    {
        var start = new ProcessStartInfo("git")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-C");
        start.ArgumentList.Add(directory);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        try
        {
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
            _ = process.StandardError.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            return process.ExitCode == 0 ? (await output.ConfigureAwait(false)).Trim() : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
