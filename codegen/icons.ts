import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Glyphs for the node icons, drawn for this project on a 64×64 grid as strokes; the icon template
 * puts one in a badge on Appwrite's mark.
 */
export const GLYPHS: Record<string, string> = {
	users: '<circle cx="32" cy="24" r="8"/><path d="M17 48c2-9 8-13 15-13s13 4 15 13"/>',
	messaging: '<rect x="14" y="19" width="36" height="26" rx="4"/><path d="M15 22l17 13 17-13"/>',
	storage:
		'<path d="M13 21v23a3 3 0 0 0 3 3h32a3 3 0 0 0 3-3V27a3 3 0 0 0-3-3H32l-5-6H16a3 3 0 0 0-3 3z"/>',
	databases:
		'<ellipse cx="32" cy="20" rx="15" ry="6"/><path d="M17 20v24c0 3.3 6.7 6 15 6s15-2.7 15-6V20"/><path d="M17 32c0 3.3 6.7 6 15 6s15-2.7 15-6"/>',
	functions:
		'<path d="M26 16c-5 0-6 2-6 6v5c0 3-2 5-5 5 3 0 5 2 5 5v5c0 4 1 6 6 6"/><path d="M38 16c5 0 6 2 6 6v5c0 3 2 5 5 5-3 0-5 2-5 5v5c0 4-1 6-6 6"/>',
	avatars:
		'<circle cx="32" cy="32" r="17"/><path d="M26 27v2M38 27v2"/><path d="M24 37c4 5 12 5 16 0"/>',
	tokens: '<circle cx="23" cy="32" r="8"/><path d="M31 32h19M44 32v7M50 32v5"/>',
	locale:
		'<circle cx="32" cy="32" r="17"/><ellipse cx="32" cy="32" rx="7" ry="17"/><path d="M15 32h34"/>',
	teams:
		'<circle cx="24" cy="25" r="6"/><circle cx="41" cy="25" r="6"/><path d="M12 46c1.5-7 6-10 12-10s10.5 3 12 10"/><path d="M35 37c1.8-.7 3.8-1 6-1 6 0 10.5 3 12 10"/>',
	health: '<path d="M12 33h10l5-11 8 22 5-11h12"/>',
	graphql: '<path d="M32 13l16.5 9.5v19L32 51l-16.5-9.5v-19z"/><path d="M32 13L15.5 41.5h33z"/>',
	sites:
		'<rect x="13" y="16" width="38" height="32" rx="4"/><path d="M13 25h38"/><path d="M19 20.5h.01M24 20.5h.01"/>',
	tables:
		'<rect x="13" y="16" width="38" height="32" rx="4"/><path d="M13 27h38M13 38h38M26 16v32"/>',
	webhooks:
		'<circle cx="32" cy="19" r="6"/><circle cx="18" cy="44" r="6"/><circle cx="46" cy="44" r="6"/><path d="M29 24.5l-8 14M24 44h16M35 24.5l8 14"/>',
	// For a service without a glyph of its own (catalog:scaffold picks it): code brackets.
	generic: '<path d="M24 20l-11 12 11 12M40 20l11 12-11 12M35 16l-6 32"/>',
};

export const GENERIC_GLYPH = 'generic';

/** The icons the generator draws beside the generated nodes' (path without `.svg`, and the glyph drawn in its badge): the hand-written nodes', the credentials'. */
export const HAND_WRITTEN_ICONS: Record<string, string> = {
	// A bolt for webhooks, a clock for polling, a padlock for the credentials.
	'nodes/AppwriteTrigger/appwriteTrigger': '<path d="M35 11L18 35h13l-3 18 18-25H33z"/>',
	'nodes/AppwritePollingTrigger/appwritePollingTrigger':
		'<circle cx="32" cy="33" r="17"/><path d="M32 23v10l7 5"/><path d="M24 12h16"/>',
	'credentials/appwrite':
		'<rect x="18" y="29" width="28" height="20" rx="4"/><path d="M24 29v-6a8 8 0 0 1 16 0v6"/><path d="M32 37v4"/>',
};

/** Appwrite's logomark exactly as published; codegen/brand/README.md records its source and terms. */
const MARK_FILE = path.join(__dirname, 'brand', 'appwrite-logomark.svg');

function readMark(): { width: number; height: number; shapes: string } {
	const svg = readFileSync(MARK_FILE, 'utf8');
	const viewBox = /viewBox="0 0 ([\d.]+) ([\d.]+)"/.exec(svg);
	const shapes = svg.match(/<path [^>]*\/>/g);
	if (!viewBox || !shapes)
		throw new Error(`${MARK_FILE}: expected an SVG with a viewBox and paths`);
	return { width: Number(viewBox[1]), height: Number(viewBox[2]), shapes: shapes.join('') };
}

const MARK = readMark();

/** Coordinates to a hundredth of a unit, printed without floating-point noise. */
function rounded(value: number): number {
	return Math.round(value * 100) / 100;
}

/**
 * Where the mark and the badge sit on the icon's 64×64 grid: the mark scaled uniformly into the
 * lower left, the badge in the mark's open upper right, clear of the mark's ring and bars (see
 * tests/codegen/icons.test.ts).
 */
export const ICON_LAYOUT = {
	mark: { scale: 0.46, x: 0, y: rounded(64 - MARK.height * 0.46) },
	badge: { cx: 50, cy: 14, r: 14 },
	/** The glyph's 64×64 grid shrunk into the badge, centred on it. */
	glyphScale: 0.45,
};

/** The badge in Appwrite's own greys (https://appwrite.io/assets): dark on light, light on dark. */
export const THEMES = {
	light: { badge: '#19191D', glyph: '#FFFFFF' },
	dark: { badge: '#EDEDF0', glyph: '#19191D' },
} as const;

/** What the icon template draws: the mark, then the glyph in its badge, in one theme. */
export function iconDrawing(glyph: string, theme: keyof typeof THEMES) {
	const { mark, badge, glyphScale } = ICON_LAYOUT;
	return {
		mark: { ...mark, shapes: MARK.shapes },
		badge: { ...badge, fill: THEMES[theme].badge },
		glyph: {
			x: rounded(badge.cx - 32 * glyphScale),
			y: rounded(badge.cy - 32 * glyphScale),
			scale: glyphScale,
			stroke: THEMES[theme].glyph,
			shapes: glyph,
		},
	};
}
