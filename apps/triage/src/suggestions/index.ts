export * from './suggest-classification';
export * from './find-duplicates';
export * from './low-trust';
export * from './suggestion-model';
export * from './suggestion-model.file';
