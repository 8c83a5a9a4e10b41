/** The token of MulterModule's options, which every upload interceptor of the module injects. */
export const MULTER_MODULE_OPTIONS = 'MULTER_MODULE_OPTIONS';
