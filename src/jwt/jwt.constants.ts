/** The token JwtModule provides its options under, as in @nestjs/jwt. */
export const JWT_MODULE_OPTIONS = 'JWT_MODULE_OPTIONS';
