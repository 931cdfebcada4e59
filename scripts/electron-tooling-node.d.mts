/** Types for electron-tooling-node.mjs (plain JS so `npm start` runs it without a build). */
export declare const ELECTRON_TOOLS: string[];
export declare function electronToolingNodeRanges(): { name: string; range: string }[];
export declare function electronToolingMinimumNode(): string;
export declare function unmetElectronTooling(version: string): { name: string; range: string }[];
