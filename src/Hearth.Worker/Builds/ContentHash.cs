using System.Diagnostics;
using Hearth.Core.Algorithms;

namespace Hearth.Worker.Builds;

/// <summary>
/// A build's 40-hex identity: its <see cref="BuildContentHash"/>, the same one the supervisor computes over the archive
/// it receives. The source says whether the directory is the top of a git checkout (a directory somewhere inside a
/// larger checkout is not its own source); the commit itself does not name the build, since the supervisor could not
/// check it against the content.
/// </summary>
internal static class ContentHash
{
    public static async Task<(string Hash, HashSource Source)> ComputeAsync(string directory, CancellationToken cancellationToken)
    {
        var full = Path.GetFullPath(directory).TrimEnd('/');
        var source = await GitHeadAsync(full, cancellationToken).ConfigureAwait(false) is null ? HashSource.Content : HashSource.Git;
        return (await OfContentAsync(full, cancellationToken).ConfigureAwait(false), source);
    }

    /// <summary>The <see cref="BuildContentHash"/> of every file in <see cref="BuildTree"/>.</summary>
    public static async Task<string> OfContentAsync(string directory, CancellationToken cancellationToken)
    {
        var hash = new BuildContentHash();
        foreach (var file in BuildTree.List(directory))
        {
            if (file.IsLink)
            {
                hash.AddLink(file.RelativePath, new FileInfo(file.FullPath).LinkTarget!);
                continue;
            }

            var executable = (BuildTree.ModeOf(file.FullPath) & UnixFileMode.UserExecute) != 0;
            var stream = new FileStream(file.FullPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
            await using (stream.ConfigureAwait(false))
            {
                await hash.AddFileAsync(file.RelativePath, executable, stream, cancellationToken).ConfigureAwait(false);
            }
        }

        return hash.Finish();
    }

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
