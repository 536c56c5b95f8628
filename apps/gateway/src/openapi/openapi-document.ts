import { INestApplication, Injectable } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';

/**
 * The gateway's OpenAPI 3 document, generated once at start-up from the routes Nest serves and the
 * request schemas that validate them (`@BodySchema`).
 */
@Injectable()
export class OpenApiDocument {
  private document?: OpenAPIObject;

  build(app: INestApplication, version: string): void {
    const config = new DocumentBuilder()
      .setTitle('Label Studio user management API')
      .setDescription(
        'Accounts, tokens, organizations, memberships, invitations and profiles, wire-compatible ' +
          'with Label Studio. Errors use Label Studio\'s envelope: `{"id", "status_code", ' +
          '"version", "detail", "exc_info", "validation_errors"}`.',
      )
      .setVersion(version)
      .addApiKey(
        { type: 'apiKey', in: 'header', name: 'Authorization', description: '`Token <your API token>`' },
        'Token',
      )
      .addCookieAuth('sessionid')
      .build();
    this.document = SwaggerModule.createDocument(app, config, {
      operationIdFactory: (controller, method) => `${controller.replace(/Controller$/, '')}_${method}`,
    });
  }

  get(): OpenAPIObject {
    if (!this.document) throw new Error('The OpenAPI document is built at start-up');
    return this.document;
  }
}
