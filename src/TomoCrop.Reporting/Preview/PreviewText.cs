using SkiaSharp;

namespace TomoCrop.Reporting.Preview;

/// <summary>
/// Text for the preview. The NoDependencies Skia build scans the system font directories itself; a machine
/// without any font (a bare container) gets no typeface, and the preview is then drawn without labels
/// (install the Debian package fonts-dejavu-core for them).
/// </summary>
internal static class PreviewText
{
    private static readonly string[] Families = ["DejaVu Sans", "Liberation Sans", "Noto Sans", "Lato", "FreeSans", "Arial", "Helvetica"];

    private static readonly string[] Files =
    [
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/TTF/DejaVuSans.ttf",
        "/usr/share/fonts/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    ];

    private static readonly Lazy<SKTypeface?> Resolved = new(Resolve);

    public static SKTypeface? Typeface => Resolved.Value;

    private static SKTypeface? Resolve()
    {
        try
        {
            foreach (var family in Families)
            {
                var typeface = SKFontManager.Default.MatchFamily(family);
                if (typeface is { GlyphCount: > 0 })
                {
                    return typeface;
                }
            }
            if (SKTypeface.Default is { GlyphCount: > 0 } fallback)
            {
                return fallback;
            }
            foreach (var file in Files.Where(File.Exists))
            {
                if (SKTypeface.FromFile(file) is { GlyphCount: > 0 } fromFile)
                {
                    return fromFile;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
        }
        return null;
    }

    /// <summary>Draws <paramref name="text"/> with its baseline at y, shortened with "…" to fit <paramref name="maxWidth"/>; nothing without a font.</summary>
    public static void Draw(SKCanvas canvas, string text, float x, float y, float size, SKColor color,
        float maxWidth = float.MaxValue, SKTextAlign align = SKTextAlign.Left, bool bold = false)
    {
        if (Typeface is not { } typeface || text.Length == 0)
        {
            return;
        }
        using var font = new SKFont(typeface, size) { Embolden = bold, Subpixel = true };
        using var paint = new SKPaint { Color = color, IsAntialias = true };
        canvas.DrawText(Fit(text, font, maxWidth), x, y, align, font, paint);
    }

    private static string Fit(string text, SKFont font, float maxWidth)
    {
        if (font.MeasureText(text) <= maxWidth)
        {
            return text;
        }
        var length = text.Length;
        while (length > 1 && font.MeasureText(text[..length] + "…") > maxWidth)
        {
            length--;
        }
        return text[..length] + "…";
    }
}
