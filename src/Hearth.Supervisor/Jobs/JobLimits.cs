using System.Globalization;
using System.Text;
using Hearth.Core.Text;
using Hearth.Protocol.Rest;

namespace Hearth.Supervisor.Jobs;

/// <summary>
/// What a job submission may hold. Every job is kept in the store, listed and sent to a worker, so its fields have
/// limits well below what an operating system would take (Linux starts a process with up to 2 MiB of arguments).
/// </summary>
public static class JobLimits
{
    /// <summary>Characters in a job's name.</summary>
    public const int MaxNameLength = 256;

    /// <summary>UTF-8 bytes of a command, all arguments together with one terminating byte each, as the kernel counts them.</summary>
    public const int MaxCommandBytes = 64 * 1024;

    /// <summary>UTF-8 bytes of a working directory, the usual PATH_MAX.</summary>
    public const int MaxWorkingDirectoryBytes = 4096;

    /// <summary>
    /// Throws <see cref="FieldTooLargeException"/> for a field over its limit, and <see cref="InvalidRequestException"/>
    /// for a working directory that is not an absolute path or a value no process can be started with.
    /// </summary>
    public static void Check(SubmitJobRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Name is { Length: > MaxNameLength } name)
        {
            throw new FieldTooLargeException(string.Create(CultureInfo.InvariantCulture, $"name is {name.Length} characters long; the limit is {MaxNameLength}"));
        }

        ClientText.Require(request.Name, "name", Refuse);
        ClientText.Require(request.RetryDelay, "retry_delay", Refuse);

        if (request.Command is { } command)
        {
            var bytes = 0L;
            for (var i = 0; i < command.Count; i++)
            {
                var argument = command[i] ?? "";
                bytes += Encoding.UTF8.GetByteCount(argument) + 1;
                if (argument.Contains('\0', StringComparison.Ordinal))
                {
                    throw new InvalidRequestException(string.Create(CultureInfo.InvariantCulture, $"command[{i}] holds a NUL character, which no process argument can"));
                }

                ClientText.Require(argument, string.Create(CultureInfo.InvariantCulture, $"command[{i}]"), Refuse, multiline: true);
            }

            if (bytes > MaxCommandBytes)
            {
                throw new FieldTooLargeException(string.Create(CultureInfo.InvariantCulture, $"command is {bytes} bytes long (UTF-8, one terminating byte per argument); the limit is {MaxCommandBytes} (64 KiB)"));
            }
        }

        if (request.WorkingDirectory is { } directory)
        {
            if (Encoding.UTF8.GetByteCount(directory) > MaxWorkingDirectoryBytes)
            {
                throw new FieldTooLargeException(string.Create(CultureInfo.InvariantCulture, $"working_directory is {Encoding.UTF8.GetByteCount(directory)} bytes long; the limit is {MaxWorkingDirectoryBytes}"));
            }

            // A relative path would be resolved against wherever the worker happens to run, which the submitter cannot know.
            if (!directory.StartsWith('/') || directory.Contains('\0', StringComparison.Ordinal))
            {
                throw new InvalidRequestException($"working_directory \"{directory}\" is not an absolute path; give the full path on the worker, starting with /");
            }

            ClientText.Require(directory, "working_directory", Refuse);
        }
    }

    private static InvalidRequestException Refuse(string why) => new(why);

    /// <summary>The name of a job submitted without one: its program's file name, cut to the name limit.</summary>
    public static string DefaultName(string program)
    {
        var name = Path.GetFileName(program);
        return name.Length > MaxNameLength ? name[..MaxNameLength] : name;
    }
}
