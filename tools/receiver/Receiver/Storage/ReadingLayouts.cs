using System.Data.Common;
using System.Text.Json;
using NodeFirmware.Receiver.Decoding;
using NodeFirmware.Receiver.Model;

namespace NodeFirmware.Receiver.Storage;

/// <summary>The channels of a reading in column order: value column v{i} holds Channels[i] in its unit.</summary>
public sealed record ReadingLayout(int Id, IReadOnlyList<(string Channel, string Unit)> Channels)
{
    public int Width => Channels.Count;

    /// <summary>The text stored in reading_layouts.channels: a JSON array of [channel, unit] pairs, unique per layout.</summary>
    public static string SpecOf(IReadOnlyList<ChannelValue> values) => SpecOf(values.Select(v => (v.Channel, v.Unit)).ToArray());

    public static string SpecOf(IReadOnlyList<(string Channel, string Unit)> columns) =>
        JsonSerializer.Serialize(columns.Select(c => new[] { c.Channel, c.Unit }).ToArray());

    public static IReadOnlyList<(string, string)> ParseSpec(string spec) =>
        (JsonSerializer.Deserialize<string[][]>(spec) ?? []).Select(p => (p[0], p[1])).ToArray();
}

/// <summary>
/// The store's table of layouts (reading_layouts), cached. A reading row holds its values in typed columns
/// v0..v15 and the id of the layout that names them; a fleet uses a handful of layouts (the firmware sends
/// temperature, humidity, pressure and, with a battery, battery), so the table stays tiny and is read once.
/// A layout is added in its own statement before the write that uses it, so a rolled-back write never leaves
/// the cache naming a row that does not exist.
/// </summary>
public sealed class ReadingLayouts
{
    public const int MaxWidth = TelemetryLimits.MaxChannels;
    private readonly object _lock = new();
    private readonly Dictionary<string, ReadingLayout> _bySpec = new(StringComparer.Ordinal);
    private readonly Dictionary<int, ReadingLayout> _byId = new();

    /// <summary>
    /// Layout ids for every reading, in order; unknown layouts are inserted on <paramref name="db"/>. Outside a
    /// transaction that commits them at once; a caller passing <paramref name="tx"/> must <see cref="Clear"/> if it rolls back.
    /// </summary>
    public async Task<int[]> ResolveAsync(IReadOnlyList<(TelemetryRecord Record, long ReceivedAtMs)> readings, DbConnection db, DbTransaction? tx, CancellationToken ct)
    {
        var ids = new int[readings.Count];
        IReadOnlyList<ChannelValue>? previous = null;
        int previousId = 0;
        for (int i = 0; i < ids.Length; i++)
        {
            var values = readings[i].Record.Values;
            if (values.Count > MaxWidth) throw new ArgumentException($"a reading has {values.Count} values; at most {MaxWidth} are stored");
            // The readings of one message almost always share their channels: compare before building a spec.
            if (previous is null || !SameChannels(previous, values))
            {
                previousId = await IdOfAsync(ReadingLayout.SpecOf(values), db, tx, ct);
                previous = values;
            }
            ids[i] = previousId;
        }
        return ids;
    }

    /// <summary>
    /// Layout ids of the runs' columns, in order; unknown layouts are inserted on <paramref name="db"/> outside any
    /// transaction (see <see cref="ResolveAsync"/>).
    /// </summary>
    public async Task<int[]> ResolveRunsAsync(IReadOnlyList<ReadingRun> runs, DbConnection db, CancellationToken ct)
    {
        var ids = new int[runs.Count];
        IReadOnlyList<(string Channel, string Unit)>? previous = null;
        int previousId = 0;
        for (int i = 0; i < ids.Length; i++)
        {
            var columns = runs[i].Columns;
            // Most runs of a fleet share their channels: compare before building a spec.
            if (previous is null || !previous.SequenceEqual(columns))
            {
                previousId = await IdOfAsync(ReadingLayout.SpecOf(columns), db, null, ct);
                previous = columns;
            }
            ids[i] = previousId;
        }
        return ids;
    }

    /// <summary>The layout of a stored row; reloads the table when a row names a layout another receiver added.</summary>
    public async Task<ReadingLayout> GetAsync(DbConnection db, int id, CancellationToken ct)
    {
        lock (_lock) if (_byId.TryGetValue(id, out var known)) return known;
        await LoadAsync(db, ct);
        lock (_lock)
            return _byId.TryGetValue(id, out var loaded) ? loaded : throw new InvalidDataException($"a reading names layout {id}, which reading_layouts does not hold");
    }

    /// <summary>The widest layout in the table: how many value columns a query must read.</summary>
    public async Task<int> MaxWidthAsync(DbConnection db, CancellationToken ct)
    {
        await LoadAsync(db, ct);
        lock (_lock) return _byId.Count == 0 ? 0 : _byId.Values.Max(l => l.Width);
    }

    private async Task<int> IdOfAsync(string spec, DbConnection db, DbTransaction? tx, CancellationToken ct)
    {
        lock (_lock) if (_bySpec.TryGetValue(spec, out var known)) return known.Id;
        // ON CONFLICT: another receiver may add the same layout at the same moment; both then read its one id.
        await using (var insert = db.Command("INSERT INTO reading_layouts (channels) VALUES (@spec) ON CONFLICT (channels) DO NOTHING", tx).With("spec", spec))
            await insert.ExecuteNonQueryAsync(ct);
        await using var select = db.Command("SELECT id FROM reading_layouts WHERE channels = @spec", tx).With("spec", spec);
        int id = Convert.ToInt32(await select.ExecuteScalarAsync(ct));
        Add(new ReadingLayout(id, ReadingLayout.ParseSpec(spec)), spec);
        return id;
    }

    private async Task LoadAsync(DbConnection db, CancellationToken ct)
    {
        await using var cmd = db.Command("SELECT id, channels FROM reading_layouts");
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            string spec = r.GetString(1);
            Add(new ReadingLayout(Convert.ToInt32(r.GetValue(0)), ReadingLayout.ParseSpec(spec)), spec);
        }
    }

    private void Add(ReadingLayout layout, string spec)
    {
        lock (_lock)
        {
            _bySpec[spec] = layout;
            _byId[layout.Id] = layout;
        }
    }

    /// <summary>Forgets everything (the table was rebuilt by a migration).</summary>
    public void Clear()
    {
        lock (_lock)
        {
            _bySpec.Clear();
            _byId.Clear();
        }
    }

    private static bool SameChannels(IReadOnlyList<ChannelValue> a, IReadOnlyList<ChannelValue> b)
    {
        if (a.Count != b.Count) return false;
        for (int i = 0; i < a.Count; i++)
            if (!string.Equals(a[i].Channel, b[i].Channel, StringComparison.Ordinal) || !string.Equals(a[i].Unit, b[i].Unit, StringComparison.Ordinal)) return false;
        return true;
    }
}
