namespace NodeFirmware.Receiver.Storage;

/// <summary>The SQL of the packed rows (reading_batches) that both stores share; parameters by name.</summary>
internal static class PackedRowSql
{
    /// <summary>Stored rows of device @d and epoch @e that hold a sequence in @lo..@hi (a row holds at most @back).</summary>
    public const string StoredRanges =
        "SELECT first_seq, count FROM reading_batches WHERE device_id = @d AND epoch = @e AND first_seq > @lo - @back AND first_seq <= @hi AND first_seq + count > @lo";

    /// <summary>Readings of schema 2 (one row each) of device @d and epoch @e in @lo..@hi, as ranges of one.</summary>
    public const string LegacyRanges = "SELECT seq, CAST(1 AS BIGINT) FROM readings WHERE device_id = @d AND epoch = @e AND seq >= @lo AND seq <= @hi";

    public const string Insert =
        "INSERT INTO reading_batches (device_id, epoch, first_seq, count, ts_min, ts_max, received_at, layout, data) " +
        "VALUES (@d, @e, @first, @count, @min, @max, @at, @layout, @data)";

    /// <summary>Rows of device @id that may hold a reading timed in [@from, @to).</summary>
    public const string InTimeRange =
        "SELECT epoch, first_seq, count, ts_min, layout, data FROM reading_batches WHERE device_id = @id AND ts_max >= @from AND ts_min < @to";
}
