/**
 * Every node and credential icon shows Appwrite's logomark as published, unaltered, with the node's glyph in a
 * badge that covers none of it (codegen/brand/README.md records the source and terms).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { ROOT } from '../../codegen/catalog';
import { ICON_LAYOUT } from '../../codegen/icons';

const MARK = readFileSync(path.join(ROOT, 'codegen/brand/appwrite-logomark.svg'), 'utf8');
const MARK_SHAPES = MARK.match(/<path [^>]*\/>/g) ?? [];

function iconsUnder(dir: string): string[] {
	return readdirSync(path.join(ROOT, dir), { recursive: true, withFileTypes: true })
		.filter((entry) => entry.isFile() && entry.name.endsWith('.svg'))
		.map((entry) => path.join(entry.parentPath, entry.name));
}

const ICONS = [
	...iconsUnder('generated/nodes'),
	...iconsUnder('nodes'),
	...iconsUnder('credentials'),
];

describe('node icons', () => {
	it('are a light and a dark icon for each of the 14 generated nodes, the 2 hand-written ones and the credentials', () => {
		expect(ICONS).toHaveLength(34);
		for (const icon of ICONS.filter((file) => !file.endsWith('.dark.svg'))) {
			const dark = readFileSync(icon.replace(/\.svg$/, '.dark.svg'), 'utf8');
			expect(dark, icon).not.toBe(readFileSync(icon, 'utf8'));
		}
	});

	it("draw Appwrite's published logomark unaltered: its shapes and colour, scaled uniformly", () => {
		expect(MARK_SHAPES).toHaveLength(2);
		for (const icon of ICONS) {
			const svg = readFileSync(icon, 'utf8');
			const { scale, x, y } = ICON_LAYOUT.mark;
			expect(svg, icon).toContain(
				`<g transform="translate(${x} ${y}) scale(${scale})">${MARK_SHAPES.join('')}</g>`,
			);
		}
	});

	it("keep the badge clear of the mark's ring and bars, inside the icon", () => {
		const { mark, badge } = ICON_LAYOUT;
		// The mark's outer ring: a circle through (0, 48.98) and (48.87, 0) in its own 112 × 98 units;
		// its two bars start at y = 42.30 and run to the right edge.
		const ring = {
			cx: mark.x + 48.87 * mark.scale,
			cy: mark.y + 48.98 * mark.scale,
			r: 48.98 * mark.scale,
		};
		const barsTop = mark.y + 42.3 * mark.scale;
		const gap = Math.hypot(badge.cx - ring.cx, badge.cy - ring.cy) - ring.r - badge.r;
		expect(gap).toBeGreaterThan(1);
		expect(badge.cy + badge.r).toBeLessThan(barsTop);
		expect(badge.cx + badge.r).toBeLessThanOrEqual(64);
		expect(badge.cy - badge.r).toBeGreaterThanOrEqual(0);
		expect(mark.y + 98 * mark.scale).toBeLessThanOrEqual(64.01);
	});
});
