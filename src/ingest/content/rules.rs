//! Ruling lines: the paths a content stream paints, kept as axis-aligned [`Rule`]s in user
//! space (the CTM applied) — every straight horizontal/vertical segment of a stroked path,
//! and a filled path only when it is thin (≤ [`THIN_FILL`] across). Curves move the current
//! point and draw no rules; the rules per page are bounded by [`MAX_RULES_PER_PAGE`].

use super::{Interpreter, MAX_RULES_PER_PAGE, Matrix, THIN_FILL, apply};

/// A white rectangle filled after `before` glyphs of the page had been drawn (user space,
/// y up): the glyphs under it are hidden ([`Interpreter::mark_covered`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cover {
    /// Least x.
    pub x0: f32,
    /// Least y.
    pub y0: f32,
    /// Greatest x.
    pub x1: f32,
    /// Greatest y.
    pub y1: f32,
    /// Glyphs drawn before it (their indices are below this).
    pub before: usize,
}

/// A segment whose ends differ by less than this across its direction is axis-aligned.
const AXIS_TOLERANCE: f32 = 0.5;

/// An axis-aligned ruling line in user space (y up): `x0 ≤ x1`, `y0 ≤ y1`, and either
/// `y0 == y1` (horizontal) or `x0 == x1` (vertical).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rule {
    /// Least x.
    pub x0: f32,
    /// Least y.
    pub y0: f32,
    /// Greatest x.
    pub x1: f32,
    /// Greatest y.
    pub y1: f32,
}

impl Rule {
    /// The rule along segment (a, b) if it is horizontal or vertical (within
    /// `AXIS_TOLERANCE`) and finite; diagonal segments are no rules.
    pub fn from_segment(a: (f32, f32), b: (f32, f32)) -> Option<Rule> {
        if ![a.0, a.1, b.0, b.1].iter().all(|v| v.is_finite()) {
            return None;
        }
        let (x0, x1) = (a.0.min(b.0), a.0.max(b.0));
        let (y0, y1) = (a.1.min(b.1), a.1.max(b.1));
        if y1 - y0 < AXIS_TOLERANCE && x1 - x0 >= AXIS_TOLERANCE {
            let y = (y0 + y1) / 2.0;
            Some(Rule {
                x0,
                y0: y,
                x1,
                y1: y,
            })
        } else if x1 - x0 < AXIS_TOLERANCE && y1 - y0 >= AXIS_TOLERANCE {
            let x = (x0 + x1) / 2.0;
            Some(Rule {
                x0: x,
                y0,
                x1: x,
                y1,
            })
        } else {
            None
        }
    }

    /// Whether the rule is horizontal (else vertical).
    pub fn horizontal(&self) -> bool {
        self.y0 == self.y1
    }
}

/// A straight piece of a path: from, to (user space).
type Segment = ((f32, f32), (f32, f32));

/// The path under construction: straight segments in user space, the current point and
/// the start of the current subpath (both in user space).
#[derive(Default)]
pub(super) struct Path {
    segments: Vec<Segment>,
    current: Option<(f32, f32)>,
    start: Option<(f32, f32)>,
    /// A curve was drawn: the segments do not outline the shape.
    curved: bool,
}

/// The extent [x0, y0, x1, y1] of `segments`' ends (empty: an inverted box).
fn extent(segments: &[Segment]) -> [f32; 4] {
    let mut b = [f32::MAX, f32::MAX, f32::MIN, f32::MIN];
    for &(p, q) in segments {
        for (x, y) in [p, q] {
            b = [b[0].min(x), b[1].min(y), b[2].max(x), b[3].max(y)];
        }
    }
    b
}

impl Path {
    /// The bounding box of the path's points (segments and current point), if any.
    pub(super) fn bbox(&self) -> Option<[f32; 4]> {
        let points = self
            .segments
            .iter()
            .flat_map(|&(a, b)| [a, b])
            .chain(self.current)
            .filter(|p| p.0.is_finite() && p.1.is_finite());
        points.fold(None, |b, p| {
            Some(match b {
                None => [p.0, p.1, p.0, p.1],
                Some([x0, y0, x1, y1]) => [x0.min(p.0), y0.min(p.1), x1.max(p.0), y1.max(p.1)],
            })
        })
    }
}

impl Interpreter<'_> {
    /// A path construction or painting operator, with its numeric operands `nums`, under
    /// `ctm`; operators with the wrong operand count do nothing. `covers`: a fill paints
    /// opaque white, inside the clip box given (a filled rectangle then hides the glyphs
    /// under it).
    pub(super) fn path_op(
        &mut self,
        operator: &str,
        nums: &[f32],
        ctm: &Matrix,
        path: &mut Path,
        covers: Option<Option<[f32; 4]>>,
    ) {
        match operator {
            "m" if nums.len() == 2 => {
                let p = apply(ctm, nums[0], nums[1]);
                path.current = Some(p);
                path.start = Some(p);
            }
            "l" if nums.len() == 2 => {
                let p = apply(ctm, nums[0], nums[1]);
                if let Some(c) = path.current {
                    path.segments.push((c, p));
                }
                path.current = Some(p);
            }
            "c" | "v" | "y" if nums.len() >= 4 => {
                // Curves draw no rules; only the current point moves.
                path.curved = true;
                let k = nums.len() - 2;
                path.current = Some(apply(ctm, nums[k], nums[k + 1]));
            }
            "h" => {
                if let (Some(c), Some(s)) = (path.current, path.start) {
                    path.segments.push((c, s));
                    path.current = Some(s);
                }
            }
            "re" if nums.len() == 4 => {
                let (x, y, w, h) = (nums[0], nums[1], nums[2], nums[3]);
                let c = [(x, y), (x + w, y), (x + w, y + h), (x, y + h)]
                    .map(|(px, py)| apply(ctm, px, py));
                for k in 0..4 {
                    path.segments.push((c[k], c[(k + 1) % 4]));
                }
                path.current = Some(c[0]);
                path.start = Some(c[0]);
            }
            "S" | "s" | "f" | "F" | "f*" | "B" | "B*" | "b" | "b*" | "n" => {
                let stroke = !matches!(operator, "f" | "F" | "f*" | "n");
                let fill = !matches!(operator, "S" | "s" | "n");
                let segments = std::mem::take(path);
                if let Some(clip) = covers.filter(|_| fill && !segments.curved) {
                    self.cover(&segments.segments, clip);
                }
                self.paint(&segments.segments, stroke, fill);
            }
            _ => {}
        }
    }

    /// Keeps a white filled path as a [`Cover`] when it is a rectangle (every segment
    /// axis-aligned), wider and taller than a rule, drawn after some glyph.
    fn cover(&mut self, segments: &[Segment], clip: Option<[f32; 4]>) {
        if self.glyphs.is_empty() || segments.is_empty() || self.covers.len() >= MAX_RULES_PER_PAGE
        {
            return;
        }
        let axis = |&(a, b): &Segment| {
            (a.0 - b.0).abs() < AXIS_TOLERANCE || (a.1 - b.1).abs() < AXIS_TOLERANCE
        };
        if !segments.iter().all(axis) {
            return;
        }
        let [mut x0, mut y0, mut x1, mut y1] = extent(segments);
        if let Some(c) = clip {
            (x0, y0, x1, y1) = (x0.max(c[0]), y0.max(c[1]), x1.min(c[2]), y1.min(c[3]));
        }
        if [x0, y0, x1, y1].iter().all(|v| v.is_finite())
            && x1 - x0 > THIN_FILL
            && y1 - y0 > THIN_FILL
        {
            self.covers.push(Cover {
                x0,
                y0,
                x1,
                y1,
                before: self.glyphs.len(),
            });
        }
    }

    /// Keeps the rules a painted path draws (see the module notes).
    fn paint(&mut self, segments: &[Segment], stroke: bool, fill: bool) {
        if segments.is_empty() || self.rules.len() >= MAX_RULES_PER_PAGE {
            return;
        }
        if stroke {
            for &(a, b) in segments {
                if let Some(r) = Rule::from_segment(a, b) {
                    self.rules.push(r);
                }
            }
        } else if fill {
            let [x0, y0, x1, y1] = extent(segments);
            let (w, h) = (x1 - x0, y1 - y0);
            // A thin bar is a rule along its long side, drawn through its middle.
            let rule = if h <= THIN_FILL && w > h {
                let y = (y0 + y1) / 2.0;
                Rule::from_segment((x0, y), (x1, y))
            } else if w <= THIN_FILL && h > w {
                let x = (x0 + x1) / 2.0;
                Rule::from_segment((x, y0), (x, y1))
            } else {
                None
            };
            self.rules.extend(rule);
        }
        self.rules.truncate(MAX_RULES_PER_PAGE);
    }
}
