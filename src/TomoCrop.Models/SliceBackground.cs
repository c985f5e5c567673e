namespace TomoCrop.Models;

/// <summary>
/// Removes what a rotationally symmetric, z-invariant holder puts into a slice, then normalises intensity.
/// The holder (tube, medium, ring artefacts) would otherwise give the rotation away by itself: walls and ring
/// stripes are straight lines along z in slices along y and x, rings are circles in axial slices.
/// </summary>
public static class SliceBackground
{
    public static SliceImage Prepare(SliceImage slice, PairPreprocessing settings)
    {
        var pixels = (float[])slice.Pixels.Clone();
        if (settings.SuppressBackground)
        {
            if (slice.Axis == 0)
            {
                SubtractRadialMean(pixels, slice.Rows, slice.Cols);
            }
            else
            {
                SubtractColumnMedian(pixels, slice.Rows, slice.Cols);
            }
        }
        if (settings.NormalizePerSlice)
        {
            Standardize(pixels);
        }
        return slice with { Pixels = pixels };
    }

    /// <summary>Axial slice: subtract the mean of each one-pixel ring about the centre (the rotation axis).</summary>
    public static void SubtractRadialMean(Span<float> pixels, int rows, int cols)
    {
        var cy = (rows - 1) / 2.0;
        var cx = (cols - 1) / 2.0;
        var bins = (int)Math.Ceiling(Math.Sqrt(cy * cy + cx * cx)) + 2;
        var sums = new double[bins];
        var counts = new int[bins];
        var index = new int[pixels.Length];
        for (var r = 0; r < rows; r++)
        for (var c = 0; c < cols; c++)
        {
            var bin = (int)Math.Round(Math.Sqrt((r - cy) * (r - cy) + (c - cx) * (c - cx)));
            var i = r * cols + c;
            index[i] = bin;
            sums[bin] += pixels[i];
            counts[bin]++;
        }
        for (var i = 0; i < pixels.Length; i++)
        {
            var bin = index[i];
            pixels[i] -= (float)(sums[bin] / counts[bin]);
        }
    }

    /// <summary>Slice along y or x (rows run along z): subtract each column's median over z.</summary>
    public static void SubtractColumnMedian(float[] pixels, int rows, int cols)
    {
        var column = new float[rows];
        for (var c = 0; c < cols; c++)
        {
            for (var r = 0; r < rows; r++)
            {
                column[r] = pixels[r * cols + c];
            }
            Array.Sort(column);
            var median = rows % 2 == 1 ? column[rows / 2] : 0.5f * (column[rows / 2 - 1] + column[rows / 2]);
            for (var r = 0; r < rows; r++)
            {
                pixels[r * cols + c] -= median;
            }
        }
    }

    /// <summary>Zero mean, unit standard deviation (a constant slice becomes all zeros).</summary>
    public static void Standardize(float[] pixels)
    {
        double sum = 0, squares = 0;
        foreach (var v in pixels)
        {
            sum += v;
            squares += (double)v * v;
        }
        var mean = sum / pixels.Length;
        var std = Math.Sqrt(Math.Max(0, squares / pixels.Length - mean * mean));
        var scale = std > 1e-12 ? 1 / std : 0;
        for (var i = 0; i < pixels.Length; i++)
        {
            pixels[i] = (float)((pixels[i] - mean) * scale);
        }
    }
}
