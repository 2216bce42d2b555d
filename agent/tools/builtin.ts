// The tools every agent gets unless a suite picks a subset (ToolRegistry.pick).

import { calculatorTool } from './calculator.ts';
import { currentTimeTool } from './current_time.ts';
import { listFilesTool } from './list_files.ts';
import { readFileTool } from './read_file.ts';
import { ToolRegistry, type Tool } from './tool.ts';

/** A fresh array each call, so callers may reorder or filter it freely. */
export function builtinTools(): Tool[] {
  return [readFileTool, listFilesTool, calculatorTool, currentTimeTool];
}

export function builtinRegistry(): ToolRegistry {
  return new ToolRegistry(builtinTools());
}
