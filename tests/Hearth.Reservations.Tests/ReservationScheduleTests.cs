using Hearth.Core.Reservations;
using static Hearth.Reservations.Tests.TestCatalog;

namespace Hearth.Reservations.Tests;

public sealed class ReservationScheduleTests
{
    /// <summary>T0 is Monday 2 March 2026, 09:00 UTC.</summary>
    private static readonly DateTimeOffset Monday = new(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);

    private static readonly ScheduleWindowInput OfficeHours = new("0 8 * * MON-FRI", "0 18 * * MON-FRI", "5");

    private static ReservationSchedule Create(string? zone, params ScheduleWindowInput[] windows)
    {
        var errors = new List<FieldError>();
        var schedule = ReservationSchedule.Create(windows, zone, T0, errors);
        Assert.Empty(errors);
        return schedule!;
    }

    private static List<FieldError> Errors(string? zone, params ScheduleWindowInput[] windows)
    {
        var errors = new List<FieldError>();
        Assert.Null(ReservationSchedule.Create(windows, zone, T0, errors));
        return errors;
    }

    public static TheoryData<string, int> OfficeHoursCounts => new()
    {
        { "Mon 07:59:59", 1 },
        { "Mon 08:00:00", 5 },
        { "Mon 12:30:00", 5 },
        { "Mon 17:59:59", 5 },
        { "Mon 18:00:00", 1 },
        { "Fri 17:00:00", 5 },
        { "Fri 18:00:00", 1 },
        { "Sat 10:00:00", 1 },
        { "Sun 23:59:59", 1 },
    };

    [Theory]
    [MemberData(nameof(OfficeHoursCounts))]
    public void FiveAreKeptOnWeekdaysFromEightToSixAndOneOtherwise(string when, int expected)
    {
        var schedule = Create(null, OfficeHours);
        Assert.Equal(expected, schedule.CountAt(1, At(when)));
    }

    [Fact]
    public void TheNextChangeIsWhicheverOfOpeningAndClosingComesFirst()
    {
        var schedule = Create(null, OfficeHours);
        Assert.Equal(At("Mon 18:00:00"), schedule.NextChange(At("Mon 09:00:00")));
        Assert.Equal(At("Mon 08:00:00"), schedule.NextChange(At("Mon 07:00:00")));
        Assert.Equal(At("Fri 18:00:00").AddDays(3).AddHours(-10), schedule.NextChange(At("Fri 18:00:00")));
    }

    [Fact]
    public void WindowsAreReadInTheirTimeZone()
    {
        var schedule = Create("America/New_York", OfficeHours);

        // 08:00 in New York on 2 March 2026 (EST, UTC-5) is 13:00 UTC.
        Assert.Equal(1, schedule.CountAt(1, At("Mon 12:59:00")));
        Assert.Equal(5, schedule.CountAt(1, At("Mon 13:00:00")));
        Assert.Equal(At("Mon 13:00:00"), schedule.NextChange(At("Mon 09:00:00")));
    }

    [Fact]
    public void WhereWindowsOverlapTheLargestCountWins()
    {
        var schedule = Create(null, OfficeHours, new ScheduleWindowInput("0 11 * * *", "0 14 * * *", "8"), new ScheduleWindowInput("0 12 * * *", "0 13 * * *", "2"));
        Assert.Equal(5, schedule.CountAt(1, At("Mon 10:00:00")));
        Assert.Equal(8, schedule.CountAt(1, At("Mon 12:30:00")));
        Assert.Equal(8, schedule.CountAt(1, At("Sat 12:30:00")));
        Assert.Equal(3, schedule.CountAt(3, At("Sat 15:00:00")));
    }

    [Fact]
    public void AWindowMayKeepFewerThanTheBaseCount()
    {
        var nights = Create(null, new ScheduleWindowInput("0 22 * * *", "0 6 * * *", "1"));
        Assert.Equal(1, nights.CountAt(4, At("Mon 23:00:00")));
        Assert.Equal(1, nights.CountAt(4, At("Tue 05:59:00")));
        Assert.Equal(4, nights.CountAt(4, At("Tue 06:00:00")));
    }

    public static TheoryData<string, string, string?, string?> TextForms => new()
    {
        { "0 8 * * MON-FRI to 0 18 * * MON-FRI keep 5", "0 8 * * MON-FRI", "0 18 * * MON-FRI", "5" },
        { "from 0 8 * * 1-5 to 0 18 * * 1-5 keep 5", "0 8 * * 1-5", "0 18 * * 1-5", "5" },
        { "  FROM @daily   TO 0 1 * * *  KEEP x ", "@daily", "0 1 * * *", "x" },
    };

    [Theory]
    [MemberData(nameof(TextForms))]
    public void TheTextFormSplitsIntoStartEndAndCount(string text, string start, string? end, string? count)
    {
        var input = ScheduleWindowInput.ParseText(text, out var error);
        Assert.Null(error);
        Assert.Equal(new ScheduleWindowInput(start, end, count), input);
    }

    [Theory]
    [InlineData("")]
    [InlineData("0 8 * * *")]
    [InlineData("0 8 * * * to 0 18 * * *")]
    [InlineData("0 8 * * * keep 5")]
    [InlineData("to 0 18 * * * keep 5")]
    [InlineData("0 8 * * * to keep 5")]
    [InlineData("0 8 * * * to 0 18 * * * keep 5 more")]
    public void AMalformedTextFormSaysHowToWriteIt(string text)
    {
        Assert.Null(ScheduleWindowInput.ParseText(text, out var error));
        Assert.Equal($"\"{text}\" must be written START to END keep COUNT, e.g. \"0 8 * * MON-FRI to 0 18 * * MON-FRI keep 5\"", error);
    }

    public static TheoryData<string?, string?, string?, string?, string, string> Refusals => new()
    {
        { "0 25 * * *", "0 18 * * *", "5", null, "schedule", "schedule start \"0 25 * * *\" is not a cron expression (MINUTE HOUR DAY MONTH WEEKDAY): Hours: Value must be a number between 0 and 23 (all inclusive)" },
        { "0 8 * * *", "* * * * * *", "5", null, "schedule", "schedule end \"* * * * * *\" is not a cron expression (MINUTE HOUR DAY MONTH WEEKDAY): Unexpected character '*'" },
        { null, "0 18 * * *", "5", null, "schedule", "schedule start is required: a cron expression such as \"0 8 * * MON-FRI\"" },
        { "0 8 * * *", " ", "5", null, "schedule", "schedule end is required: a cron expression such as \"0 8 * * MON-FRI\"" },
        { "0 0 30 2 *", "0 18 * * *", "5", null, "schedule", "schedule start \"0 0 30 2 *\" never occurs" },
        { "0 8 * * *", "0 18 * * *", "0", null, "schedule", "schedule count is 0; a reservation keeps at least 1 instance warm" },
        { "0 8 * * *", "0 18 * * *", "2.5", null, "schedule", "schedule count \"2.5\" is not an integer; give a positive whole number such as 1" },
        { "0 8 * * *", "0 18 * * *", "5", "Mars/Olympus", "time_zone", "time_zone \"Mars/Olympus\" is not a known time zone; use an IANA name such as Europe/London, or UTC" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void EveryScheduleErrorNamesThePartAtFault(string? start, string? end, string? count, string? zone, string field, string message)
    {
        var error = Assert.Single(Errors(zone, new ScheduleWindowInput(start, end, count)));
        Assert.Equal((field, message), (error.Field, error.Message));
    }

    [Fact]
    public void WindowsAreNumberedWhenThereAreSeveral()
    {
        var errors = Errors(null, OfficeHours, new ScheduleWindowInput("0 8 * * *", "0 18 * * *", "-1"));
        Assert.Equal("schedule window 2 count -1 is negative; give a positive whole number such as 1", Assert.Single(errors).Message);
    }

    [Fact]
    public void AtMostTenWindowsAreAccepted()
    {
        var errors = Errors(null, Enumerable.Repeat(OfficeHours, 11).ToArray());
        Assert.Equal("schedule has 11 windows; at most 10", Assert.Single(errors).Message);
    }

    [Fact]
    public void AReservationWithAScheduleWantsTheWindowsCountInsideIt()
    {
        var request = new ReservationRequest("alice", "acme/model", "latest_public", "1", [OfficeHours], "UTC");
        var definition = ReservationRules.Check(request, "r-1", Standard(), [], T0).Definition!;
        Assert.Equal(5, definition.DesiredAt(At("Mon 09:00:00")));
        Assert.Equal(1, definition.DesiredAt(At("Sat 09:00:00")));
        Assert.Equal("0 8 * * MON-FRI to 0 18 * * MON-FRI keep 5", Assert.Single(definition.Schedule!.Windows).ToString());
    }

    /// <summary>"Tue 08:00:00" in the week of <see cref="Monday"/>, in UTC.</summary>
    internal static DateTimeOffset At(string when)
    {
        var days = Array.IndexOf(["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"], when[..3]);
        return Monday.AddDays(days) + TimeSpan.Parse(when[4..], System.Globalization.CultureInfo.InvariantCulture);
    }
}
