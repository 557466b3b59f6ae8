using System.Diagnostics;
using Hearth.Core.Algorithms;

namespace Hearth.Worker.Builds;

/// <summary>
/// Packaging for <c>algo push</c>: reads <c>hearth.json</c>, runs its build command in the directory (its output
/// goes to <c>log</c>), then computes the hash and writes the archive. The hash is taken after the build so a
/// content hash covers what is actually stored, and a deterministic build gives the same hash every time.
/// </summary>
internal static class BuildPackager
{
    public static async Task<PackagedBuild> PackageAsync(string directory, string archivePath, Action<string> log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(log);
        var full = Path.GetFullPath(directory);
        if (!Directory.Exists(full))
        {
            throw new BuildException($"{directory} is not a directory");
        }

        if (AlgorithmiaLayout.Applies(full))
        {
            return await PackageAlgorithmiaAsync(full, archivePath, log, cancellationToken).ConfigureAwait(false);
        }

        var manifest = ReadManifest(full);
        if (manifest.Build is { } build)
        {
            await RunBuildAsync(full, build, log, cancellationToken).ConfigureAwait(false);
        }

        var (hash, source) = await ContentHash.ComputeAsync(full, cancellationToken).ConfigureAwait(false);
        var archive = await BuildArchive.PackAsync(full, archivePath, cancellationToken).ConfigureAwait(false);
        return new PackagedBuild(hash, source, manifest, archive);
    }

    /// <summary>
    /// Algorithmia's layout is built in a staging copy, so the runner and the installed requirements never land in the
    /// user's directory. The hash covers the staged build, which is what is stored.
    /// </summary>
    private static async Task<PackagedBuild> PackageAlgorithmiaAsync(string full, string archivePath, Action<string> log, CancellationToken cancellationToken)
    {
        var manifest = AlgorithmiaLayout.ReadManifest(full);
        var staging = Path.Combine(Path.GetTempPath(), $"hearth-build-{Guid.NewGuid():N}");
        try
        {
            await AlgorithmiaLayout.StageAsync(full, staging, manifest, log, cancellationToken).ConfigureAwait(false);
            if (manifest.Build is { } build)
            {
                await RunBuildAsync(staging, build, log, cancellationToken).ConfigureAwait(false);
            }

            var (_, source) = await ContentHash.ComputeAsync(full, cancellationToken).ConfigureAwait(false);
            var hash = await ContentHash.OfContentAsync(staging, cancellationToken).ConfigureAwait(false);

            var archive = await BuildArchive.PackAsync(staging, archivePath, cancellationToken).ConfigureAwait(false);
            return new PackagedBuild(hash, source, manifest, archive);
        }
        finally
        {
            try
            {
                Directory.Delete(staging, recursive: true);
            }
            catch (IOException)
            {
                // A scratch copy in the temporary directory; the system cleans it up.
            }
        }
    }

    public static AlgorithmManifest ReadManifest(string directory)
    {
        var path = Path.Combine(directory, AlgorithmManifest.FileName);
        if (!File.Exists(path))
        {
            throw new BuildException($"{directory} has no {AlgorithmManifest.FileName}; it needs one giving at least entrypoint and reservations");
        }

        try
        {
            return AlgorithmManifest.Parse(File.ReadAllText(path));
        }
        catch (AlgorithmFormatException e)
        {
            throw new BuildException($"{path}: {e.Message}");
        }
    }

    /// <summary>
    /// Runs a build step in <paramref name="directory"/>, its output going to <paramref name="log"/>. A failure throws
    /// <see cref="BuildException"/> with <paramref name="failure"/>'s message (from the exit code and the last lines), or a general one.
    /// </summary>
    internal static async Task RunBuildAsync(
        string directory, IReadOnlyList<string> argv, Action<string> log, CancellationToken cancellationToken,
        Func<int, IReadOnlyList<string>, string>? failure = null)
    {
        var program = argv[0].Contains('/', StringComparison.Ordinal) && !Path.IsPathRooted(argv[0])
            ? Path.GetFullPath(Path.Combine(directory, argv[0]))
            : argv[0];
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in argv.Skip(1))
        {
            start.ArgumentList.Add(arg);
        }

        var command = string.Join(' ', argv);
        log($"building: {command}");
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new BuildException($"cannot run the build command \"{command}\": {e.Message}");
        }

        using (process)
        {
            var tail = new Queue<string>();
            void Take(string? line)
            {
                if (line is null)
                {
                    return;
                }

                lock (tail)
                {
                    if (tail.Count == 10)
                    {
                        tail.Dequeue();
                    }

                    tail.Enqueue(line);
                }

                log(line);
            }

            process.OutputDataReceived += (_, e) => Take(e.Data);
            process.ErrorDataReceived += (_, e) => Take(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            try
            {
                await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw;
            }

            if (process.ExitCode != 0)
            {
                string last;
                lock (tail)
                {
                    last = string.Join(" | ", tail);
                    if (failure is not null)
                    {
                        throw new BuildException(failure(process.ExitCode, [.. tail]));
                    }
                }

                throw new BuildException($"the build command \"{command}\" exited with code {process.ExitCode}" + (last.Length > 0 ? $"; last output: {last}" : ""));
            }
        }
    }
}
